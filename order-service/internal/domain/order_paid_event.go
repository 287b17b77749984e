package domain

// OrderPaidEvent says the order was paid; the restaurant's approval must be
// requested.
type OrderPaidEvent struct{ orderEvent }
