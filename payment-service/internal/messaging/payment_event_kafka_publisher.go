package messaging

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/payment-service/internal/application"
)

// HeaderMessageID is the record header carrying the message id, so a
// consumer can spot a re-send without decoding the value.
const HeaderMessageID = "message-id"

// PaymentEventKafkaPublisher sends order outbox messages as PaymentResponse
// records, keyed by saga id so one saga's messages stay in order.
type PaymentEventKafkaPublisher struct {
	producer *kafka.Producer
	topic    string
}

var _ application.PaymentResponseMessagePublisher = (*PaymentEventKafkaPublisher)(nil)

// NewPaymentEventKafkaPublisher returns a publisher to topic.
func NewPaymentEventKafkaPublisher(producer *kafka.Producer, topic string) *PaymentEventKafkaPublisher {
	return &PaymentEventKafkaPublisher{producer: producer, topic: topic}
}

// Publish implements application.PaymentResponseMessagePublisher: one batch
// to the broker, one result per message.
func (p *PaymentEventKafkaPublisher) Publish(ctx context.Context, batch []outbox.Message) []error {
	errs := make([]error, len(batch))
	records := make([]kafka.Message, 0, len(batch))
	index := make([]int, 0, len(batch))
	for i, m := range batch {
		record, err := p.record(m)
		if err != nil {
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

func (p *PaymentEventKafkaPublisher) record(m outbox.Message) (kafka.Message, error) {
	response, err := paymentResponseFromOutbox(m)
	if err != nil {
		return kafka.Message{}, err
	}
	value, err := json.Marshal(response)
	if err != nil {
		return kafka.Message{}, fmt.Errorf("encode payment response %s: %w", m.ID, err)
	}
	return kafka.Message{
		Topic:   p.topic,
		Key:     []byte(m.SagaID.String()),
		Value:   value,
		Headers: map[string]string{HeaderMessageID: m.ID.String()},
	}, nil
}
