package messaging

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/payment-service/internal/application"
)

// PaymentEventKafkaPublisher sends order outbox messages as PaymentResponse
// records, keyed by saga id so one saga's messages stay in order. It is the
// kafka.OutboxPublisher of the payment response topic, named as the
// walkthrough names it.
type PaymentEventKafkaPublisher = kafka.OutboxPublisher

var _ application.PaymentResponseMessagePublisher = (*PaymentEventKafkaPublisher)(nil)

// NewPaymentEventKafkaPublisher returns the publisher to topic.
func NewPaymentEventKafkaPublisher(producer kafka.Sender, topic string, log *zap.Logger) *PaymentEventKafkaPublisher {
	return kafka.NewOutboxPublisher(producer, topic, func(m outbox.Message) (any, error) {
		return paymentResponseFromOutbox(m)
	}, log)
}
