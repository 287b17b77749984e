// What a handler gets and how it is called: the record, its JSON decoding,
// the trace span it runs in and the panic it may raise, and the logger for
// lines about it.

package kafka

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/IBM/sarama"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/retry"
	"github.com/food-ordering-system/infrastructure/tracing"
)

// Received is one consumed record, handed to a Handler.
type Received struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   map[string]string
	Timestamp time.Time
}

// Handler handles one record. Returning nil marks the record consumed; an
// error is classified by Classify, which decides whether the record is
// retried or sent to the dead-letter topic. A panic dead-letters the record.
type Handler func(ctx context.Context, msg *Received) error

// DecodeJSON decodes a record's value into T. A value that is not valid JSON
// for T can never be handled, so the error is retry.Permanent.
func DecodeJSON[T any](msg *Received) (T, error) {
	var v T
	if err := json.Unmarshal(msg.Value, &v); err != nil {
		return v, retry.Permanent(fmt.Errorf("decode %s record at %d/%d: %w", msg.Topic, msg.Partition, msg.Offset, err))
	}
	return v, nil
}

func fromRecord(r *sarama.ConsumerMessage) *Received {
	headers := make(map[string]string, len(r.Headers))
	for _, h := range r.Headers {
		if h != nil {
			headers[string(h.Key)] = string(h.Value)
		}
	}
	return &Received{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Key: r.Key, Value: r.Value,
		Headers: headers, Timestamp: r.Timestamp}
}

// call runs the handler and turns a panic into an error of this one record,
// so that a bug that one record triggers parks that record instead of
// killing the process and every partition with it.
//
// A record that carries a traceparent header is handled in a "process"
// span, child of the publisher's span, so that what the handler writes
// (its outbox rows) continues the same trace.
func (c *Consumer) call(ctx context.Context, msg *Received) (err error) {
	if tp, ok := msg.Headers[tracing.HeaderTraceParent]; ok {
		var span trace.Span
		ctx, span = tracing.Tracer().Start(tracing.ContextWithTraceParent(ctx, tp), msg.Topic+" process",
			trace.WithSpanKind(trace.SpanKindConsumer),
			trace.WithAttributes(attribute.String("messaging.system", "kafka"),
				attribute.String("messaging.destination.name", msg.Topic),
				attribute.Int("messaging.destination.partition.id", int(msg.Partition)),
				attribute.Int64("messaging.kafka.offset", msg.Offset),
				attribute.String("messaging.message.id", msg.Headers[HeaderMessageID])))
		defer func() {
			if err != nil {
				span.RecordError(err)
				span.SetStatus(codes.Error, "not handled")
			}
			span.End()
		}()
	}
	defer func() {
		if v := recover(); v != nil {
			c.recordLog(msg).Error("handler panicked", zap.Any("panic", v), zap.Stack("stack"))
			err = panicError{value: v}
		}
	}()
	return c.handler(ctx, msg)
}

// recordLog is the logger for lines about one record.
func (c *Consumer) recordLog(msg *Received) *zap.Logger {
	fields := []zap.Field{zap.String("topic", msg.Topic), zap.Int32("partition", msg.Partition), zap.Int64("offset", msg.Offset)}
	if id, ok := msg.Headers[HeaderMessageID]; ok {
		fields = append(fields, zap.String("message_id", id))
	}
	return c.log.With(fields...)
}
