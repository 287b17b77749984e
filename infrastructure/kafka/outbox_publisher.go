package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/IBM/sarama"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/retry"
	"github.com/food-ordering-system/infrastructure/tracing"
)

// HeaderMessageID is the record header that carries the message id: the id
// of the outbox row the record was published from, stable across re-sends,
// so a consumer can recognise a duplicate without decoding the value.
const HeaderMessageID = "message-id"

// Sender sends a batch of records and reports each one's result, as
// *Producer does.
type Sender interface {
	Send(ctx context.Context, msgs []Message) []error
}

// OutboxPublisher publishes outbox rows to one topic as JSON records keyed by
// saga id, so one saga's messages stay in order on one partition. It is the
// outbox.Publisher behind every service's ...KafkaPublisher; toMessage turns
// a row into the contract message to send.
type OutboxPublisher struct {
	sender    Sender
	topic     string
	toMessage func(outbox.Message) (any, error)
	log       *zap.Logger
}

var _ outbox.Publisher = (*OutboxPublisher)(nil)

// NewOutboxPublisher returns a publisher of rows to topic.
func NewOutboxPublisher(sender Sender, topic string, toMessage func(outbox.Message) (any, error), log *zap.Logger) *OutboxPublisher {
	return &OutboxPublisher{sender: sender, topic: topic, toMessage: toMessage, log: log}
}

// Publish implements outbox.Publisher: the batch goes to the broker as one
// send, with one result per row. A row that cannot be mapped or encoded, or
// that the broker refuses as a record, fails alone with a retry.Permanent
// error (the relay charges it an attempt); the rest of the batch is still
// sent. A row written inside a trace is published in a "publish" span, child
// of the writer's span, whose context the record carries as its traceparent
// header; a row without one costs nothing more.
func (p *OutboxPublisher) Publish(ctx context.Context, batch []outbox.Message) []error {
	errs := make([]error, len(batch))
	records := make([]Message, 0, len(batch))
	positions := make([]int, 0, len(batch))
	spans := make(map[int]trace.Span)
	defer func() {
		// Each publish span ends once its row's outcome is known.
		for i, span := range spans {
			if errs[i] != nil {
				span.RecordError(errs[i])
				span.SetStatus(codes.Error, "not published")
			}
			span.End()
		}
	}()
	for i, m := range batch {
		record, err := p.record(m)
		if err != nil {
			errs[i] = retry.Permanent(err)
			continue
		}
		if m.TraceParent != "" {
			spans[i] = p.trace(ctx, m, &record)
		}
		records = append(records, record)
		positions = append(positions, i)
	}
	results := p.sender.Send(ctx, records)
	for j, at := range positions {
		if j >= len(results) {
			errs[at] = fmt.Errorf("sender answered %d results for %d records", len(results), len(records))
			continue
		}
		errs[at] = results[j]
		if refusedRecord(results[j]) {
			errs[at] = retry.Permanent(results[j])
		}
	}
	return errs
}

// refusedRecord reports the broker errors that concern the record itself,
// which sending it again cannot cure.
func refusedRecord(err error) bool {
	return errors.Is(err, sarama.ErrMessageSizeTooLarge) || errors.Is(err, sarama.ErrInvalidMessage)
}

// trace starts the publish span of m as a child of the span that wrote it,
// and sets record's traceparent header to the new span.
func (p *OutboxPublisher) trace(ctx context.Context, m outbox.Message, record *Message) trace.Span {
	parent := tracing.ContextWithTraceParent(ctx, m.TraceParent)
	spanCtx, span := tracing.Tracer().Start(parent, p.topic+" publish", trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(attribute.String("messaging.system", "kafka"),
			attribute.String("messaging.destination.name", p.topic),
			attribute.String("messaging.message.id", m.ID.String()),
			attribute.String("saga_id", m.SagaID.String())))
	if tp := tracing.TraceParent(spanCtx); tp != nil {
		record.Headers[tracing.HeaderTraceParent] = *tp
	}
	return span
}

func (p *OutboxPublisher) record(m outbox.Message) (Message, error) {
	msg, err := p.toMessage(m)
	if err != nil {
		return Message{}, fmt.Errorf("map outbox message %s: %w", m.ID, err)
	}
	value, err := json.Marshal(msg)
	if err != nil {
		return Message{}, fmt.Errorf("encode outbox message %s: %w", m.ID, err)
	}
	return Message{
		Topic:   p.topic,
		Key:     []byte(m.SagaID.String()),
		Value:   value,
		Headers: map[string]string{HeaderMessageID: m.ID.String()},
	}, nil
}
