package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
)

// PaymentOutboxMessage is a row of payment_outbox: a payment request (or a
// refund request) owed to payment-service, and where the saga stood when it
// was last touched.
type PaymentOutboxMessage struct {
	ID          kernel.MessageID
	SagaID      kernel.SagaID
	CreatedAt   time.Time
	ProcessedAt *time.Time
	Type        string
	Payload     OrderPaymentEventPayload
	SagaStatus  saga.Status
	OrderStatus kernel.OrderStatus
	// OutboxStatus is the relay's; the saga never changes it.
	OutboxStatus outbox.Status
	// PaymentOrderStatus is what the row asks for (PENDING: pay, CANCELLED:
	// refund). A saga has at most one row of each.
	PaymentOrderStatus kernel.PaymentOrderStatus
	// Resends is how many times the saga deadline published the row again.
	Resends int
	// Version is the optimistic-locking counter the row was read with.
	Version int
}
