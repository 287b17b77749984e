package domain

// OrderCancelledEvent says a paid order was refused by the restaurant and is
// CANCELLING; its payment must be refunded.
type OrderCancelledEvent struct{ orderEvent }
