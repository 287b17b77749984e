package messaging

import (
	"context"
	"encoding/json"
	"fmt"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/application"
)

// HeaderMessageID carries the outbox row id, which consumers use to spot a
// re-sent message.
const HeaderMessageID = "message-id"

// OrderPaymentEventKafkaPublisher sends payment_outbox rows to payment-service
// as contract.PaymentRequest, keyed by saga id.
type OrderPaymentEventKafkaPublisher struct {
	publisher
}

var _ application.PaymentRequestMessagePublisher = (*OrderPaymentEventKafkaPublisher)(nil)

// NewOrderPaymentEventKafkaPublisher returns the publisher producing to topic
// (contract.TopicPaymentRequest unless configured otherwise).
func NewOrderPaymentEventKafkaPublisher(producer *kafka.Producer, topic string, log *zap.Logger) *OrderPaymentEventKafkaPublisher {
	return &OrderPaymentEventKafkaPublisher{publisher{producer: producer, topic: topic, encode: encodePaymentRequest, log: log}}
}

// OrderApprovalEventKafkaPublisher sends order_approval_outbox rows to the
// restaurants as contract.RestaurantApprovalRequest, keyed by saga id.
type OrderApprovalEventKafkaPublisher struct {
	publisher
}

var _ application.RestaurantApprovalRequestMessagePublisher = (*OrderApprovalEventKafkaPublisher)(nil)

// NewOrderApprovalEventKafkaPublisher returns the publisher producing to topic
// (contract.TopicRestaurantApprovalRequest unless configured otherwise).
func NewOrderApprovalEventKafkaPublisher(producer *kafka.Producer, topic string, log *zap.Logger) *OrderApprovalEventKafkaPublisher {
	return &OrderApprovalEventKafkaPublisher{publisher{producer: producer, topic: topic, encode: encodeApprovalRequest, log: log}}
}

// publisher turns outbox rows into records of one topic and sends them as
// one batch.
type publisher struct {
	producer *kafka.Producer
	topic    string
	encode   func(outbox.Message) (any, error)
	log      *zap.Logger
}

// Publish implements outbox.Publisher: one result per row, nil where every
// in-sync replica has the record. A row whose payload cannot be encoded
// fails alone; the rest of the batch is still sent.
func (p *publisher) Publish(ctx context.Context, batch []outbox.Message) []error {
	errs := make([]error, len(batch))
	records := make([]kafka.Message, 0, len(batch))
	index := make([]int, 0, len(batch))
	for i, m := range batch {
		record, err := p.record(m)
		if err != nil {
			p.log.Error("outbox row cannot be published", zap.Stringer("message_id", m.ID), zap.Error(err))
			errs[i] = err
			continue
		}
		records = append(records, record)
		index = append(index, i)
	}
	for j, err := range p.producer.Send(ctx, records) {
		errs[index[j]] = err
	}
	return errs
}

func (p *publisher) record(m outbox.Message) (kafka.Message, error) {
	msg, err := p.encode(m)
	if err != nil {
		return kafka.Message{}, err
	}
	value, err := json.Marshal(msg)
	if err != nil {
		return kafka.Message{}, fmt.Errorf("encode message %s: %w", m.ID, err)
	}
	return kafka.Message{
		Topic:   p.topic,
		Key:     []byte(m.SagaID.String()),
		Value:   value,
		Headers: map[string]string{HeaderMessageID: m.ID.String()},
	}, nil
}
