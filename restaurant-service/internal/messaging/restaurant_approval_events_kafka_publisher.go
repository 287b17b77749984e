package messaging

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/restaurant-service/internal/application"
)

// RestaurantApprovalEventsKafkaPublisher publishes order_outbox rows as
// restaurant-approval-response records, keyed by saga id so one saga's
// messages stay in order. It is the kafka.OutboxPublisher of the approval
// response topic, named as the walkthrough names it.
type RestaurantApprovalEventsKafkaPublisher = kafka.OutboxPublisher

var _ application.RestaurantApprovalResponseMessagePublisher = (*RestaurantApprovalEventsKafkaPublisher)(nil)

// NewRestaurantApprovalEventsKafkaPublisher returns the publisher to topic.
func NewRestaurantApprovalEventsKafkaPublisher(producer kafka.Sender, topic string, log *zap.Logger) *RestaurantApprovalEventsKafkaPublisher {
	return kafka.NewOutboxPublisher(producer, topic, func(m outbox.Message) (any, error) {
		return approvalResponseFromOutbox(m)
	}, log)
}
