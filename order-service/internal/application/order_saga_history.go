package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// OrderSagaHistory is what order-service's tables remember of one order's
// saga: the order, when it was placed and last changed, and the requests the
// saga wrote to the outbox tables (live or archived). It is read for the
// people who run the system and is never written back.
type OrderSagaHistory struct {
	OrderID         kernel.OrderID
	OrderTrackingID kernel.TrackingID
	OrderStatus     kernel.OrderStatus
	FailureMessages []string
	CreatedAt       time.Time
	// UpdatedAt is when the order last changed: its status, with the saga's
	// last step. It is CreatedAt until then.
	UpdatedAt time.Time
	// Payment asks payment-service for the price (payment_outbox, PENDING),
	// Refund for it back (payment_outbox, CANCELLED), Approval asks the
	// restaurant (order_approval_outbox). Each is nil when the saga never
	// wrote it, or when the cleaner deleted it after the saga ended (without
	// outbox.archive).
	Payment, Refund, Approval *SagaRequestRecord
	// RestaurantCancellation tells the restaurant that the order was
	// cancelled after its approval was asked (order_approval_outbox,
	// CANCELLED); nil when the saga never needed to.
	RestaurantCancellation *SagaRequestRecord
}
