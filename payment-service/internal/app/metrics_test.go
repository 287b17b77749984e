package app

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/testkit/metricstest"
)

// One payment request handled moves the series of its path through the
// service by one: the request consumed, its answer written to the outbox
// and published; the lag of the request topic ends at 0.
func TestMetricsFollowAPaymentThroughTheService(t *testing.T) {
	s := startService(t)
	before := metricstest.Scrape(t, s.adminURL("/metrics"))

	saga := uuid.New()
	s.send(t, saga, request(saga, uuid.New(), "50.00", kernel.PaymentOrderStatusPending))
	assert.Equal(t, kernel.PaymentStatusCompleted, s.answer(t, saga).PaymentStatus)

	want := []metricstest.Delta{
		{Name: "fos_kafka_consumed_total", Labels: map[string]string{"topic": s.cfg.Topics.PaymentRequest, "outcome": "handled"}, By: 1},
		{Name: "fos_outbox_published_total", Labels: map[string]string{"table": "order_outbox"}, By: 1},
		{Name: "fos_kafka_published_total", Labels: map[string]string{"topic": s.cfg.Topics.PaymentResponse}, By: 1},
	}
	after := metricstest.AwaitDeltas(t, s.adminURL("/metrics"), before, 30*time.Second, want...)
	assert.Equal(t, 0.0, after.Value("fos_kafka_consumer_lag", map[string]string{"topic": s.cfg.Topics.PaymentRequest}))
	assert.Equal(t, 0.0, after.Value("fos_outbox_waiting_rows", map[string]string{"table": "order_outbox"}))
	assert.True(t, after.Has("go_sql_open_connections", map[string]string{"db_name": s.cfg.Postgres.Schema}))
}
