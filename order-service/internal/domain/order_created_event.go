package domain

// OrderCreatedEvent says a new order was validated and initialized PENDING; its
// payment must be requested.
type OrderCreatedEvent struct{ orderEvent }
