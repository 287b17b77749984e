package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/payment-service/internal/domain"
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

// OrderEventPayload is the body of an order outbox message, stored as JSON;
// the messaging adapter turns it into the PaymentResponse contract.
type OrderEventPayload struct {
	// PaymentID and CustomerID are zero in the answer to a request that named
	// no customer, which has no payment; omitted then, because a kernel id
	// refuses to decode the nil uuid and the answer would never be published.
	PaymentID       kernel.PaymentID     `json:"paymentId,omitzero"`
	CustomerID      kernel.CustomerID    `json:"customerId,omitzero"`
	OrderID         kernel.OrderID       `json:"orderId"`
	Price           kernel.Money         `json:"price"`
	CreatedAt       time.Time            `json:"createdAt"`
	PaymentStatus   kernel.PaymentStatus `json:"paymentStatus"`
	FailureMessages []string             `json:"failureMessages"`
}

// orderEventPayloadOf builds the payload that reports event.
func orderEventPayloadOf(event domain.PaymentEvent) OrderEventPayload {
	p := event.Payment()
	failures := event.FailureMessages()
	if failures == nil {
		failures = []string{}
	}
	return OrderEventPayload{
		PaymentID:       p.ID(),
		CustomerID:      p.CustomerID(),
		OrderID:         p.OrderID(),
		Price:           p.Price(),
		CreatedAt:       event.CreatedAt(),
		PaymentStatus:   event.PaymentStatus(),
		FailureMessages: failures,
	}
}
