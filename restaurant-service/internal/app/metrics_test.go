package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/testkit/metricstest"
)

// One approval request handled moves the series of its path through the
// service by one: the request consumed, its answer written to the outbox
// and published; the lag of the request topic ends at 0.
func TestMetricsFollowAnApprovalThroughTheService(t *testing.T) {
	s := start(t)
	before := metricstest.Scrape(t, s.adminURL+"/metrics")

	req := request(restaurant1, "100.00", contract.Product{ID: product2, Quantity: 2})
	s.send(t, req.SagaID, req)
	assert.Equal(t, kernel.OrderApprovalStatusApproved, s.answer(t, req.SagaID).OrderApprovalStatus)

	want := []metricstest.Delta{
		{Name: "fos_kafka_consumed_total", Labels: map[string]string{"topic": s.cfg.Topics.RestaurantApprovalRequest, "outcome": "handled"}, By: 1},
		{Name: "fos_outbox_published_total", Labels: map[string]string{"table": "order_outbox"}, By: 1},
		{Name: "fos_kafka_published_total", Labels: map[string]string{"topic": s.cfg.Topics.RestaurantApprovalResponse}, By: 1},
	}
	after := metricstest.AwaitDeltas(t, s.adminURL+"/metrics", before, 30*time.Second, want...)
	assert.Equal(t, 0.0, after.Value("fos_kafka_consumer_lag", map[string]string{"topic": s.cfg.Topics.RestaurantApprovalRequest}))
	assert.Equal(t, 0.0, after.Value("fos_outbox_failed_rows", map[string]string{"table": "order_outbox"}))
	assert.True(t, after.Has("go_sql_open_connections", map[string]string{"db_name": s.cfg.Postgres.Schema}))
}
