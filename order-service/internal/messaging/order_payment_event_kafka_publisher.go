package messaging

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/order-service/internal/application"
)

// OrderPaymentEventKafkaPublisher sends payment_outbox rows to payment-service
// as contract.PaymentRequest, keyed by saga id.
type OrderPaymentEventKafkaPublisher struct {
	*kafka.OutboxPublisher
}

var _ application.PaymentRequestMessagePublisher = (*OrderPaymentEventKafkaPublisher)(nil)

// NewOrderPaymentEventKafkaPublisher returns the publisher producing to topic
// (contract.TopicPaymentRequest unless configured otherwise).
func NewOrderPaymentEventKafkaPublisher(producer kafka.Sender, topic string, log *zap.Logger) *OrderPaymentEventKafkaPublisher {
	return &OrderPaymentEventKafkaPublisher{kafka.NewOutboxPublisher(producer, topic, encodePaymentRequest, log)}
}
