package messaging

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/application"
)

// OrderApprovalEventKafkaPublisher sends order_approval_outbox rows to the
// restaurants as RestaurantApprovalRequest records, keyed by saga id so one
// saga's messages stay in order. It is the kafka.OutboxPublisher of the
// restaurant approval request topic, named as the walkthrough names it.
type OrderApprovalEventKafkaPublisher = kafka.OutboxPublisher

var _ application.RestaurantApprovalRequestMessagePublisher = (*OrderApprovalEventKafkaPublisher)(nil)

// NewOrderApprovalEventKafkaPublisher returns the publisher to topic.
func NewOrderApprovalEventKafkaPublisher(producer kafka.Sender, topic string, log *zap.Logger) *OrderApprovalEventKafkaPublisher {
	return kafka.NewOutboxPublisher(producer, topic, func(m outbox.Message) (any, error) {
		return approvalRequestFromOutbox(m)
	}, log)
}
