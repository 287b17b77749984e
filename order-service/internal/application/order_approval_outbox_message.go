package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
)

// OrderApprovalOutboxMessage is a row of order_approval_outbox: a request
// owed to the restaurant. A saga has at most one approval request (PAID) and
// one cancellation (CANCELLED).
type OrderApprovalOutboxMessage struct {
	ID          kernel.MessageID
	SagaID      kernel.SagaID
	CreatedAt   time.Time
	ProcessedAt *time.Time
	Type        string
	Payload     OrderApprovalEventPayload
	SagaStatus  saga.Status
	OrderStatus kernel.OrderStatus
	// OutboxStatus is the relay's; the saga never changes it.
	OutboxStatus outbox.Status
	// RestaurantOrderStatus is what the row tells the restaurant: PAID asks
	// it to approve the order, CANCELLED that the order was cancelled.
	RestaurantOrderStatus kernel.RestaurantOrderStatus
	// Resends is how many times the saga deadline published the row again.
	Resends int
	// Version is the optimistic-locking counter the row was read with.
	Version int
}
