package app

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/metrics/metricstest"
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

	want := map[string]map[string]string{
		"fos_kafka_consumed_total":   {"topic": s.cfg.Topics.PaymentRequest, "outcome": "handled"},
		"fos_outbox_published_total": {"table": "order_outbox"},
		"fos_kafka_published_total":  {"topic": s.cfg.Topics.PaymentResponse},
	}
	var after metricstest.Samples
	assert.Eventually(t, func() bool {
		var err error
		if after, err = metricstest.TryScrape(s.adminURL("/metrics")); err != nil {
			return false
		}
		for name, labels := range want {
			if after.Value(name, labels)-before.Value(name, labels) != 1 {
				return false
			}
		}
		return true
	}, 30*time.Second, 50*time.Millisecond, "the series moved by one")
	for name, labels := range want {
		assert.Equal(t, 1.0, after.Value(name, labels)-before.Value(name, labels), "%s%v", name, labels)
	}
	assert.Equal(t, 0.0, after.Value("fos_kafka_consumer_lag", map[string]string{"topic": s.cfg.Topics.PaymentRequest}))
	assert.Equal(t, 0.0, after.Value("fos_outbox_waiting_rows", map[string]string{"table": "order_outbox"}))
	assert.True(t, after.Has("go_sql_open_connections", map[string]string{"db_name": s.cfg.Postgres.Schema}))
}
