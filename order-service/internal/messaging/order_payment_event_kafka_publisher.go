package messaging

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/application"
)

// OrderPaymentEventKafkaPublisher sends payment_outbox rows to payment-service
// as PaymentRequest records, keyed by saga id so one saga's messages stay in
// order. It is the kafka.OutboxPublisher of the payment request topic, named
// as the walkthrough names it.
type OrderPaymentEventKafkaPublisher = kafka.OutboxPublisher

var _ application.PaymentRequestMessagePublisher = (*OrderPaymentEventKafkaPublisher)(nil)

// NewOrderPaymentEventKafkaPublisher returns the publisher to topic.
func NewOrderPaymentEventKafkaPublisher(producer kafka.Sender, topic string, log *zap.Logger) *OrderPaymentEventKafkaPublisher {
	return kafka.NewOutboxPublisher(producer, topic, func(m outbox.Message) (any, error) {
		return paymentRequestFromOutbox(m)
	}, log)
}
