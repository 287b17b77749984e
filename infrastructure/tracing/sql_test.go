package tracing_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap/zaptest"
	"gorm.io/gorm"

	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/infrastructure/tracing"
)

// dish is a row of the test's table.
type dish struct {
	ID   uuid.UUID `gorm:"primaryKey"`
	Name string
}

func (dish) TableName() string { return "test_dish" }

// tracedDB is a table of the test's own on a connection with the SQL plugin,
// its spans kept by the returned exporter.
func tracedDB(t *testing.T) (*gorm.DB, *tracetest.InMemoryExporter, trace.Tracer) {
	t.Helper()
	db, _ := pgtest.New(t, nil)
	pgtest.Exec(t, db, `CREATE TABLE test_dish (id uuid PRIMARY KEY, name text NOT NULL)`)
	exporter := tracetest.NewInMemoryExporter()
	provider := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	t.Cleanup(func() { _ = provider.Shutdown(context.Background()) })
	require.NoError(t, db.Use(tracing.SQLSpans(provider)))
	return db, exporter, provider.Tracer("test")
}

func attr(s tracetest.SpanStub, key attribute.Key) attribute.Value {
	for _, kv := range s.Attributes {
		if kv.Key == key {
			return kv.Value
		}
	}
	return attribute.Value{}
}

// Each statement is one client span, the child of the span the statement
// ran in: named by operation and table, with the SQL but not the values
// bound to it, the rows it touched, and its error when it failed.
func TestSQLSpanPerStatement(t *testing.T) {
	db, exporter, tracer := tracedDB(t)
	ctx, useCase := tracer.Start(context.Background(), "use case")
	id := uuid.New()
	const secret = "the customer's secret"

	require.NoError(t, db.WithContext(ctx).Create(&dish{ID: id, Name: secret}).Error)
	require.NoError(t, db.WithContext(ctx).Model(&dish{}).Where("id = ?", id).Update("name", "pizza").Error)
	var found dish
	require.ErrorIs(t, db.WithContext(ctx).First(&found, "id = ?", uuid.New()).Error, gorm.ErrRecordNotFound)
	duplicate := db.WithContext(ctx).Create(&dish{ID: id, Name: "again"}).Error
	require.Error(t, duplicate)
	var n int
	require.NoError(t, db.WithContext(ctx).Raw(`SELECT count(*) FROM test_dish WHERE name = ?`, "pizza").Scan(&n).Error)
	assert.Equal(t, 1, n)
	require.NoError(t, db.WithContext(ctx).Raw(`SELECT name FROM test_dish WHERE id = ?`, id).Row().Scan(&found.Name))
	require.NoError(t, db.WithContext(ctx).Delete(&dish{}, "id = ?", id).Error)
	useCase.End()

	got := exporter.GetSpans()
	var names []string
	for _, s := range got {
		if s.Name != "use case" {
			names = append(names, s.Name)
		}
	}
	require.Equal(t, []string{"insert test_dish", "update test_dish", "select test_dish", "insert test_dish",
		"select", "select", "delete test_dish"}, names)

	for _, s := range got[:len(got)-1] {
		assert.Equal(t, trace.SpanKindClient, s.SpanKind, s.Name)
		assert.Equal(t, useCase.SpanContext().SpanID(), s.Parent.SpanID(), "%s is the use case's child", s.Name)
		assert.Equal(t, "postgresql", attr(s, "db.system").AsString(), s.Name)
		query := attr(s, "db.query.text").AsString()
		assert.NotEmpty(t, query, s.Name)
		assert.NotContains(t, query, secret, "no bound value in %s", s.Name)
		assert.NotContains(t, query, "pizza", "no bound value in %s", s.Name)
	}
	insert, update, notFound, failed, count := got[0], got[1], got[2], got[3], got[4]
	assert.Contains(t, attr(insert, "db.query.text").AsString(), `INSERT INTO "test_dish"`)
	assert.Equal(t, "test_dish", attr(insert, "db.collection.name").AsString())
	assert.Equal(t, "insert", attr(insert, "db.operation.name").AsString())
	assert.Equal(t, int64(1), attr(insert, "db.rows_affected").AsInt64())
	assert.Equal(t, int64(1), attr(update, "db.rows_affected").AsInt64())
	assert.Equal(t, int64(0), attr(notFound, "db.rows_affected").AsInt64())
	assert.Equal(t, codes.Unset, notFound.Status.Code, "finding nothing is not an error")
	assert.Equal(t, codes.Error, failed.Status.Code, "the duplicate key fails the span")
	assert.Equal(t, duplicate.Error(), failed.Status.Description)
	require.Len(t, failed.Events, 1)
	assert.Equal(t, "exception", failed.Events[0].Name)
	assert.Equal(t, codes.Unset, count.Status.Code)
	assert.Equal(t, attribute.Value{}, attr(count, "db.collection.name"), "raw SQL names no table")
}

// Statements in one transaction are siblings under the caller's span: each
// span ends with its statement and the next one starts from the caller's
// context again.
func TestSQLSpansOfATransactionAreSiblings(t *testing.T) {
	db, exporter, tracer := tracedDB(t)
	ctx, useCase := tracer.Start(context.Background(), "use case")
	require.NoError(t, db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&dish{ID: uuid.New(), Name: "a"}).Error; err != nil {
			return err
		}
		return tx.Exec(`UPDATE test_dish SET name = ?`, "b").Error
	}))
	useCase.End()

	got := exporter.GetSpans()
	require.Len(t, got, 3)
	assert.Equal(t, "insert test_dish", got[0].Name)
	assert.Equal(t, "update", got[1].Name)
	assert.Equal(t, int64(1), attr(got[1], "db.rows_affected").AsInt64())
	for _, s := range got[:2] {
		assert.Equal(t, useCase.SpanContext().TraceID(), s.SpanContext.TraceID())
		assert.Equal(t, useCase.SpanContext().SpanID(), s.Parent.SpanID(), "%s is the use case's child", s.Name)
	}
}

// With tracing off the plugin is not installed: gorm runs no callback of
// ours.
func TestTracingOffInstallsNoSQLPlugin(t *testing.T) {
	db, _ := pgtest.New(t, nil)
	previous := otel.GetTracerProvider()
	t.Cleanup(func() { otel.SetTracerProvider(previous) })
	off, err := tracing.Start(context.Background(), tracing.Config{Exporter: tracing.ExporterNone}, "test", zaptest.NewLogger(t))
	require.NoError(t, err)
	require.NoError(t, off.InstrumentDB(db))
	assert.Nil(t, db.Callback().Query().Get("tracing:before_query"))

	on, err := tracing.Start(context.Background(), tracing.Config{Exporter: tracing.ExporterLog, SampleRatio: 1}, "test", zaptest.NewLogger(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = on.Shutdown(context.Background()) })
	require.NoError(t, on.InstrumentDB(db))
	assert.NotNil(t, db.Callback().Query().Get("tracing:before_query"), "installed when tracing is on")
}
