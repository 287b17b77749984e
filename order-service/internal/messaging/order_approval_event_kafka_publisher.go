package messaging

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/order-service/internal/application"
)

// OrderApprovalEventKafkaPublisher sends order_approval_outbox rows to the
// restaurants as contract.RestaurantApprovalRequest, keyed by saga id.
type OrderApprovalEventKafkaPublisher struct {
	*kafka.OutboxPublisher
}

var _ application.RestaurantApprovalRequestMessagePublisher = (*OrderApprovalEventKafkaPublisher)(nil)

// NewOrderApprovalEventKafkaPublisher returns the publisher producing to topic
// (contract.TopicRestaurantApprovalRequest unless configured otherwise).
func NewOrderApprovalEventKafkaPublisher(producer kafka.Sender, topic string, log *zap.Logger) *OrderApprovalEventKafkaPublisher {
	return &OrderApprovalEventKafkaPublisher{kafka.NewOutboxPublisher(producer, topic, encodeApprovalRequest, log)}
}
