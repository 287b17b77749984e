package messaging

import (
	"context"
	"encoding/json"
	"fmt"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/kafka/contract"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/restaurant-service/internal/application"
)

// HeaderMessageID is the record header that carries the message id (the
// outbox row id), so consumers can recognise re-sends without decoding.
const HeaderMessageID = "message-id"

// producer is what the publisher needs of kafka.Producer.
type producer interface {
	Send(ctx context.Context, msgs []kafka.Message) []error
}

// RestaurantApprovalEventsKafkaPublisher publishes order_outbox rows as
// restaurant-approval-response records, keyed by saga id.
type RestaurantApprovalEventsKafkaPublisher struct {
	producer producer
	topic    string
	log      *zap.Logger
}

var _ application.RestaurantApprovalResponseMessagePublisher = (*RestaurantApprovalEventsKafkaPublisher)(nil)

// NewRestaurantApprovalEventsKafkaPublisher returns the publisher writing to
// topic through p (a *kafka.Producer).
func NewRestaurantApprovalEventsKafkaPublisher(p producer, topic string, log *zap.Logger) *RestaurantApprovalEventsKafkaPublisher {
	return &RestaurantApprovalEventsKafkaPublisher{producer: p, topic: topic, log: log}
}

// Publish implements application.RestaurantApprovalResponseMessagePublisher:
// each row's payload becomes a contract.RestaurantApprovalResponse whose id is
// the row id and whose saga id is the row's (also the record key). A payload
// that cannot be read fails that row only.
func (p *RestaurantApprovalEventsKafkaPublisher) Publish(ctx context.Context, batch []outbox.Message) []error {
	errs := make([]error, len(batch))
	records := make([]kafka.Message, 0, len(batch))
	positions := make([]int, 0, len(batch))
	for i, m := range batch {
		record, err := p.record(m)
		if err != nil {
			errs[i] = err
			p.log.Error("order outbox row cannot be published", zap.Stringer("messageId", m.ID), zap.Error(err))
			continue
		}
		records = append(records, record)
		positions = append(positions, i)
	}
	results := p.producer.Send(ctx, records)
	for j, at := range positions {
		if j >= len(results) {
			errs[at] = fmt.Errorf("producer answered %d results for %d records", len(results), len(records))
			continue
		}
		errs[at] = results[j]
	}
	return errs
}

// record maps one outbox row to its Kafka record.
func (p *RestaurantApprovalEventsKafkaPublisher) record(m outbox.Message) (kafka.Message, error) {
	var payload application.OrderEventPayload
	if err := json.Unmarshal(m.Payload, &payload); err != nil {
		return kafka.Message{}, fmt.Errorf("decode payload of order outbox message %s: %w", m.ID, err)
	}
	failures := payload.FailureMessages
	if failures == nil {
		failures = []string{}
	}
	value, err := json.Marshal(contract.RestaurantApprovalResponse{
		ID:                  m.ID,
		SagaID:              m.SagaID,
		RestaurantID:        payload.RestaurantID.UUID(),
		OrderID:             payload.OrderID.UUID(),
		CreatedAt:           payload.CreatedAt,
		OrderApprovalStatus: payload.OrderApprovalStatus,
		FailureMessages:     failures,
	})
	if err != nil {
		return kafka.Message{}, fmt.Errorf("encode approval response %s: %w", m.ID, err)
	}
	return kafka.Message{
		Topic:   p.topic,
		Key:     []byte(m.SagaID.String()),
		Value:   value,
		Headers: map[string]string{HeaderMessageID: m.ID.String()},
	}, nil
}
