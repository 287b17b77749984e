package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
)

// OrderOutboxMessage is one answer owed to order-service, written in the same
// transaction as the payment it reports. Its ID becomes the message id on the
// wire and its SagaID the Kafka key.
type OrderOutboxMessage struct {
	ID          kernel.MessageID
	SagaID      kernel.SagaID
	CreatedAt   time.Time
	ProcessedAt *time.Time
	Type        string
	Payload     OrderEventPayload
	// PaymentStatus is the answer: COMPLETED, CANCELLED or FAILED.
	PaymentStatus kernel.PaymentStatus
	// PaymentOrderStatus is the request answered, PENDING or CANCELLED; with
	// SagaID it is unique, so a request is answered at most once.
	PaymentOrderStatus kernel.PaymentOrderStatus
	OutboxStatus       outbox.Status
	Version            int
}
