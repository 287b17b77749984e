package domain

// OrderRejectedEvent says the restaurant rejected the order; the approval's
// failure messages say why.
type OrderRejectedEvent struct{ orderApprovalEvent }
