package messaging

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/restaurant-service/internal/application"
)

// RestaurantApprovalEventsKafkaPublisher publishes order_outbox rows as
// restaurant-approval-response records, keyed by saga id.
type RestaurantApprovalEventsKafkaPublisher struct {
	*kafka.OutboxPublisher
}

var _ application.RestaurantApprovalResponseMessagePublisher = (*RestaurantApprovalEventsKafkaPublisher)(nil)

// NewRestaurantApprovalEventsKafkaPublisher returns the publisher writing to
// topic through producer (a *kafka.Producer).
func NewRestaurantApprovalEventsKafkaPublisher(producer kafka.Sender, topic string, log *zap.Logger) *RestaurantApprovalEventsKafkaPublisher {
	return &RestaurantApprovalEventsKafkaPublisher{kafka.NewOutboxPublisher(producer, topic, approvalResponseOf, log)}
}
