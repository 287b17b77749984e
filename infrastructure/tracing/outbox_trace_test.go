package tracing_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
	"github.com/food-ordering-system/infrastructure/tracing"
)

// The trace of the span that writes an outbox row survives the table (the
// row keeps it), the relay (the record's traceparent header, sent from a
// publish span that is the writer's child) and the consumer (the handler
// runs in a process span, the publish span's child), and reaches the row
// the handler writes in turn.
func TestTraceParentTravelsThroughOutboxRowAndKafkaRecord(t *testing.T) {
	exporter := spans()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "tracing")
	db := outboxTable(t)

	ctx, write := otel.Tracer("test").Start(context.Background(), "place order")
	rowID := writeRow(t, ctx, db, uuid.New())
	write.End()
	traceID := write.SpanContext().TraceID().String()

	stored := traceParentOf(t, db, rowID)
	require.NotNil(t, stored, "the row keeps its writer's trace")
	assert.Equal(t, fmt.Sprintf("00-%s-%s-01", traceID, write.SpanContext().SpanID()), *stored)

	publishAll(t, db, cfg, topic)
	got := kafkatest.Receive(t, consume(t, db, cfg, topic))

	// The handler hands the record over before its process span ends.
	var byName map[string]tracetest.SpanStub
	require.Eventually(t, func() bool {
		byName = spansOf(exporter, traceID)
		_, ok := byName[topic+" process"]
		return ok
	}, 10*time.Second, 10*time.Millisecond, "the process span ends after the handler")
	publish, ok := byName[topic+" publish"]
	require.True(t, ok, "a publish span in the writer's trace; spans: %v", byName)
	process, ok := byName[topic+" process"]
	require.True(t, ok, "a process span in the writer's trace; spans: %v", byName)
	assert.Equal(t, write.SpanContext().SpanID(), publish.Parent.SpanID(), "publish is the writer's child")
	assert.Equal(t, trace.SpanKindProducer, publish.SpanKind)
	assert.Equal(t, publish.SpanContext.SpanID(), process.Parent.SpanID(), "process is the publish span's child")
	assert.Equal(t, trace.SpanKindConsumer, process.SpanKind)

	assert.Equal(t, fmt.Sprintf("00-%s-%s-01", traceID, publish.SpanContext.SpanID()), got.msg.Headers[tracing.HeaderTraceParent],
		"the record carries the publish span as traceparent")
	handlerSpan := trace.SpanContextFromContext(got.ctx)
	assert.Equal(t, traceID, handlerSpan.TraceID().String(), "the handler runs in the order's trace")
	assert.Equal(t, process.SpanContext.SpanID(), handlerSpan.SpanID(), "the handler runs in the process span")

	next := traceParentOf(t, db, got.row)
	require.NotNil(t, next, "the handler's own outbox row carries the trace on")
	assert.Equal(t, fmt.Sprintf("00-%s-%s-01", traceID, process.SpanContext.SpanID()), *next)
}

// With tracing off nothing is traced: Start installs no provider, a row
// written without a span keeps NULL, its record goes without traceparent,
// the handler runs without a span, and no span is recorded for it even
// though a recording provider is installed in this test binary.
func TestTracingOffLeavesRowsAndRecordsWithoutTrace(t *testing.T) {
	before := otel.GetTracerProvider()
	off, err := tracing.Start(context.Background(), tracing.Config{Exporter: tracing.ExporterNone}, "test", zaptest.NewLogger(t))
	require.NoError(t, err)
	assert.Equal(t, before, otel.GetTracerProvider(), "tracing off installs no provider")
	require.NoError(t, off.Shutdown(context.Background()))
	exporter := spans()

	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "untraced")
	db := outboxTable(t)
	spansBefore := len(exporter.GetSpans())

	rowID := writeRow(t, context.Background(), db, uuid.New())
	assert.Nil(t, traceParentOf(t, db, rowID), "trace_parent stays NULL")

	publishAll(t, db, cfg, topic)
	got := kafkatest.Receive(t, consume(t, db, cfg, topic))

	_, ok := got.msg.Headers[tracing.HeaderTraceParent]
	assert.False(t, ok, "no traceparent header")
	assert.False(t, trace.SpanContextFromContext(got.ctx).IsValid(), "the handler runs without a span")
	assert.Nil(t, traceParentOf(t, db, got.row), "the handler's row stays NULL too")
	for _, s := range exporter.GetSpans()[spansBefore:] {
		assert.NotContains(t, s.Name, topic, "no span recorded for the untraced record")
	}
}
