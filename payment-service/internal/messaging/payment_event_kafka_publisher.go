package messaging

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/payment-service/internal/application"
)

// PaymentEventKafkaPublisher sends order outbox messages as PaymentResponse
// records, keyed by saga id so one saga's messages stay in order.
type PaymentEventKafkaPublisher struct {
	*kafka.OutboxPublisher
}

var _ application.PaymentResponseMessagePublisher = (*PaymentEventKafkaPublisher)(nil)

// NewPaymentEventKafkaPublisher returns a publisher to topic.
func NewPaymentEventKafkaPublisher(producer kafka.Sender, topic string, log *zap.Logger) *PaymentEventKafkaPublisher {
	return &PaymentEventKafkaPublisher{kafka.NewOutboxPublisher(producer, topic, func(m outbox.Message) (any, error) {
		return paymentResponseFromOutbox(m)
	}, log)}
}
