package messaging

import (
	"encoding/json"
	"fmt"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/kafka/contract"
	"github.com/food-ordering-system/infrastructure/outbox"
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

// approvalResponseOf maps one outbox row to its wire message: the id is the
// row id and the saga id the row's. A payload that cannot be read fails that
// row only.
func approvalResponseOf(m outbox.Message) (any, error) {
	var payload application.OrderEventPayload
	if err := json.Unmarshal(m.Payload, &payload); err != nil {
		return nil, fmt.Errorf("decode payload of order outbox message %s: %w", m.ID, err)
	}
	failures := payload.FailureMessages
	if failures == nil {
		failures = []string{}
	}
	return contract.RestaurantApprovalResponse{
		ID:                  m.ID,
		SagaID:              m.SagaID,
		RestaurantID:        payload.RestaurantID.UUID(),
		OrderID:             payload.OrderID.UUID(),
		CreatedAt:           payload.CreatedAt,
		OrderApprovalStatus: payload.OrderApprovalStatus,
		FailureMessages:     failures,
	}, nil
}
