package domain

// OrderItemID numbers the items of one order from 1.
type OrderItemID int64
