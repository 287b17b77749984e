package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
)

// OrderOutboxMessage is one row of the order_outbox table as it is written.
// Its ID is the message id on the wire; publication (processed_at, the move
// to COMPLETED) is the relay's business and not modelled here.
type OrderOutboxMessage struct {
	ID             kernel.MessageID
	SagaID         kernel.SagaID
	CreatedAt      time.Time
	Type           string
	Payload        OrderEventPayload
	ApprovalStatus kernel.OrderApprovalStatus
	OutboxStatus   outbox.Status
}
