package tracing_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.uber.org/zap/zaptest"
	"gorm.io/gorm"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/infrastructure/tracing"
)

// spans installs, once for the test binary, a global tracer provider that
// keeps every span in memory, and returns its exporter. Tests tell their own
// spans apart by trace id.
var spans = sync.OnceValue(func() *tracetest.InMemoryExporter {
	exporter := tracetest.NewInMemoryExporter()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter)))
	return exporter
})

// outboxTable creates an outbox table shaped like the services' ones in a
// schema of the test's own.
func outboxTable(t *testing.T) *gorm.DB {
	t.Helper()
	db, _ := pgtest.New(t, nil)
	pgtest.CreateOutbox(t, db, "test_outbox")
	return db
}

// writeRow writes a STARTED outbox row of saga as a service's repository
// does: with the trace of the span in ctx, if any.
func writeRow(t *testing.T, ctx context.Context, db *gorm.DB, saga uuid.UUID) uuid.UUID {
	t.Helper()
	id := uuid.New()
	err := postgres.Conn(ctx, db).Exec(`INSERT INTO test_outbox (id, saga_id, created_at, type, payload, outbox_status, trace_parent)
		VALUES (?, ?, ?, 'OrderProcessingSaga', ?, ?, ?)`,
		id, saga, time.Now().UTC(), `{"sagaId":"`+saga.String()+`"}`, outbox.StatusStarted, tracing.TraceParent(ctx)).Error
	require.NoError(t, err)
	return id
}

// traceParentOf reads a row's trace_parent column; nil is NULL.
func traceParentOf(t *testing.T, db *gorm.DB, id uuid.UUID) *string {
	t.Helper()
	var tp *string
	require.NoError(t, db.Raw(`SELECT trace_parent FROM test_outbox WHERE id = ?`, id).Scan(&tp).Error)
	return tp
}

// publishAll drains the outbox table to topic through the relay, the
// postgres store and the Kafka outbox publisher the services use.
func publishAll(t *testing.T, db *gorm.DB, cfg kafka.Config, topic string) {
	t.Helper()
	producer := kafkatest.Producer(t, cfg)
	publisher := kafka.NewOutboxPublisher(producer, topic,
		func(m outbox.Message) (any, error) { return json.RawMessage(m.Payload), nil }, zaptest.NewLogger(t))
	relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: "test_outbox"}), publisher,
		outbox.RelayConfig{Name: "test"}, zaptest.NewLogger(t))
	require.NoError(t, relay.Drain(context.Background()))
}

// consumed is what a handler saw of one record: its headers and the span
// context it ran in, and the row it wrote to its own outbox.
type consumed struct {
	msg *kafka.Received
	ctx context.Context
	row uuid.UUID
}

// consume runs a consumer of topic whose handler writes one outbox row per
// record, as the services' handlers do, and hands each record over.
func consume(t *testing.T, db *gorm.DB, cfg kafka.Config, topic string) <-chan consumed {
	t.Helper()
	out := make(chan consumed, 10)
	kafkatest.Consume(t, cfg, topic, nil, func(ctx context.Context, msg *kafka.Received) error {
		out <- consumed{msg: msg, ctx: ctx, row: writeRow(t, ctx, db, uuid.New())}
		return nil
	})
	return out
}

// spansOf returns the finished spans of one trace, by name.
func spansOf(exporter *tracetest.InMemoryExporter, traceID string) map[string]tracetest.SpanStub {
	out := map[string]tracetest.SpanStub{}
	for _, s := range exporter.GetSpans() {
		if s.SpanContext.TraceID().String() == traceID {
			out[s.Name] = s
		}
	}
	return out
}
