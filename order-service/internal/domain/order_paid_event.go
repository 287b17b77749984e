package domain

// OrderPaidEvent: the order was paid; the restaurant's approval must be
// requested.
type OrderPaidEvent struct{ orderEvent }
