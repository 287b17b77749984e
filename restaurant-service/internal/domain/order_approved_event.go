package domain

// OrderApprovedEvent says the restaurant approved the order.
type OrderApprovedEvent struct{ orderApprovalEvent }
