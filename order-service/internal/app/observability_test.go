package app

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/testkit/metricstest"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/config"
)

// stuckAfter is the stuck threshold of the test: short, so that the saga
// held back counts as stuck within seconds.
const stuckAfter = 2 * time.Second

// getJSON GETs url and decodes its 200 answer into T; it only reports what
// went wrong, so that it can be polled.
func getJSON[T any](url string) (T, int, error) {
	var v T
	resp, err := http.Get(url)
	if err != nil {
		return v, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return v, resp.StatusCode, nil
	}
	err = json.NewDecoder(resp.Body).Decode(&v)
	return v, resp.StatusCode, err
}

type timeline struct {
	OrderStatus string `json:"orderStatus"`
	Complete    bool   `json:"complete"`
	Steps       []struct {
		Step   string    `json:"step"`
		At     time.Time `json:"at"`
		Detail string    `json:"detail"`
	} `json:"steps"`
}

func (tl timeline) names() []string {
	names := make([]string, len(tl.Steps))
	for i, s := range tl.Steps {
		names[i] = s.Step
	}
	return names
}

// waitForTimeline waits until the order's timeline lists the given steps
// (the relay marks a request published just after the broker took it, so
// the last mark may trail the reply it caused) and checks that their times
// follow each other.
func (s *service) waitForTimeline(order trackedOrder, steps ...string) timeline {
	s.t.Helper()
	var tl timeline
	require.Eventually(s.t, func() bool {
		var err error
		tl, _, err = getJSON[timeline](s.base + "/orders/" + order.OrderTrackingID + "/timeline")
		return err == nil && assert.ObjectsAreEqual(steps, tl.names())
	}, wait, tick, "the timeline of order %s is %v; last seen %v", order.OrderID, steps, tl.names())
	assert.True(s.t, tl.Complete)
	for i := 1; i < len(tl.Steps); i++ {
		assert.False(s.t, tl.Steps[i].At.Before(tl.Steps[i-1].At), "%s at %s comes before %s at %s",
			tl.Steps[i].Step, tl.Steps[i].At, tl.Steps[i-1].Step, tl.Steps[i-1].At)
	}
	for _, step := range tl.Steps {
		assert.NotEmpty(s.t, step.Detail, step.Step)
	}
	return tl
}

type stuckSagas struct {
	StuckAfterSeconds float64 `json:"stuckAfterSeconds"`
	Sagas             []struct {
		OrderID         string    `json:"orderId"`
		OrderTrackingID string    `json:"orderTrackingId"`
		OrderStatus     string    `json:"orderStatus"`
		CreatedAt       time.Time `json:"createdAt"`
		WaitingFor      string    `json:"waitingFor"`
		Resends         int       `json:"resends"`
	} `json:"sagas"`
}

// One order on each path of the saga, and one held back (its payment is
// never answered): the metrics moved by exactly what happened, each order's
// timeline lists its steps in order, and the order held back is counted and
// listed as stuck once it is older than saga.stuck_after.
func TestSeeTheSagaAtWork(t *testing.T) {
	s := startService(t, func(cfg *config.Config) {
		// No deadline acts on the saga held back while the test runs.
		cfg.Saga = application.SagaDeadlineConfig{ReplyTimeout: time.Hour, StuckAfter: stuckAfter}
	})
	before := metricstest.Scrape(t, s.admin+"/metrics")

	held := s.createOrder()
	s.paymentRequest(held.OrderID, kernel.PaymentOrderStatusPending) // and never answered

	approved, _, _, approval := s.paidOrder()
	s.approvalResponse(approval, kernel.OrderApprovalStatusApproved)
	s.waitForOrderStatus(approved, kernel.OrderStatusApproved)

	failed := s.createOrder()
	_, req := s.paymentRequest(failed.OrderID, kernel.PaymentOrderStatusPending)
	s.paymentResponse(req, kernel.PaymentStatusFailed, "Customer has not enough credit")
	s.waitForOrderStatus(failed, kernel.OrderStatusCancelled)

	refunded, _, _, approval := s.paidOrder()
	s.approvalResponse(approval, kernel.OrderApprovalStatusRejected, "Product is not available")
	_, refund := s.paymentRequest(refunded.OrderID, kernel.PaymentOrderStatusCancelled)
	s.paymentResponse(refund, kernel.PaymentStatusCancelled)
	s.waitForOrderStatus(refunded, kernel.OrderStatusCancelled)

	t.Run("each series moved by what happened", func(t *testing.T) {
		byTable := func(table string) map[string]string { return map[string]string{"table": table} }
		byTopic := func(topic string) map[string]string { return map[string]string{"topic": topic} }
		consumed := func(topic, outcome string) map[string]string {
			return map[string]string{"topic": topic, "outcome": outcome}
		}
		ended := func(status, sagaStatus string) map[string]string {
			return map[string]string{"status": status, "saga_status": sagaStatus}
		}
		want := []metricstest.Delta{
			{Name: "fos_http_requests_total", Labels: map[string]string{"route": "/orders", "method": "POST", "status": "201"}, By: 4},
			{Name: "fos_http_request_duration_seconds_count", Labels: map[string]string{"route": "/orders", "method": "POST"}, By: 4},
			{Name: "fos_orders_finished_total", Labels: ended("APPROVED", "SUCCEEDED"), By: 1},
			{Name: "fos_orders_finished_total", Labels: ended("CANCELLED", "COMPENSATED"), By: 2},
			{Name: "fos_orders_finished_total", Labels: ended("CANCELLING", "FAILED"), By: 0},
			{Name: "fos_saga_duration_seconds_count", Labels: ended("APPROVED", "SUCCEEDED"), By: 1},
			{Name: "fos_saga_duration_seconds_count", Labels: ended("CANCELLED", "COMPENSATED"), By: 2},
			// Four payment requests and one refund; two approval requests.
			{Name: "fos_outbox_published_total", Labels: byTable("payment_outbox"), By: 5},
			{Name: "fos_outbox_published_total", Labels: byTable("order_approval_outbox"), By: 2},
			{Name: "fos_outbox_publish_failures_total", Labels: nil, By: 0},
			{Name: "fos_outbox_parked_total", Labels: nil, By: 0},
			{Name: "fos_kafka_published_total", Labels: byTopic(s.topics.PaymentRequest), By: 5},
			{Name: "fos_kafka_published_total", Labels: byTopic(s.topics.RestaurantApprovalRequest), By: 2},
			{Name: "fos_kafka_publish_errors_total", Labels: nil, By: 0},
			// Two COMPLETED payments, one FAILED, one CANCELLED (the refund);
			// one approval, one rejection.
			{Name: "fos_kafka_consumed_total", Labels: consumed(s.topics.PaymentResponse, "handled"), By: 4},
			{Name: "fos_kafka_consumed_total", Labels: consumed(s.topics.RestaurantApprovalResponse, "handled"), By: 2},
			{Name: "fos_kafka_consumed_total", Labels: map[string]string{"outcome": "dead_lettered"}, By: 0},
		}
		after := metricstest.AwaitDeltas(t, s.admin+"/metrics", before, wait, want...)

		for _, topic := range []string{s.topics.PaymentResponse, s.topics.RestaurantApprovalResponse} {
			assert.True(t, after.Has("fos_kafka_consumer_lag", byTopic(topic)), "lag of %s: %v", topic, after.Series("fos_kafka_consumer_lag"))
			assert.Equal(t, 0.0, after.Value("fos_kafka_consumer_lag", byTopic(topic)), "every reply handled")
		}
		for _, table := range []string{"payment_outbox", "order_approval_outbox"} {
			assert.Equal(t, 0.0, after.Value("fos_outbox_waiting_rows", byTable(table)), table)
			assert.Equal(t, 0.0, after.Value("fos_outbox_oldest_waiting_age_seconds", byTable(table)), table)
			assert.Equal(t, 0.0, after.Value("fos_outbox_failed_rows", byTable(table)), table)
		}
		assert.True(t, after.Has("go_sql_open_connections", nil), "the database pool")
		assert.True(t, after.Has("go_goroutines", nil), "the Go runtime")
		assert.True(t, after.Has("process_resident_memory_bytes", nil), "the process")
		assert.False(t, after.Has("fos_http_requests_total", map[string]string{"route": "/orders/" + held.OrderTrackingID}), "no ids in labels")
	})

	t.Run("each path's timeline lists its steps in order", func(t *testing.T) {
		s := s.with(t)
		s.waitForTimeline(approved, "created", "payment_requested", "paid", "approval_requested", "approved")
		tl := s.waitForTimeline(failed, "created", "payment_requested", "payment_failed", "cancelled")
		assert.Equal(t, "Customer has not enough credit", tl.Steps[2].Detail)
		tl = s.waitForTimeline(refunded, "created", "payment_requested", "paid", "approval_requested", "rejected",
			"refund_requested", "refunded", "cancelled")
		assert.Equal(t, "Product is not available", tl.Steps[4].Detail)
		s.waitForTimeline(held, "created", "payment_requested")

		_, status, err := getJSON[timeline](s.base + "/orders/" + uuid.NewString() + "/timeline")
		require.NoError(t, err)
		assert.Equal(t, http.StatusNotFound, status)
	})

	t.Run("the saga held back is counted and listed as stuck", func(t *testing.T) {
		stuck := func(status string) float64 {
			samples, err := metricstest.TryScrape(s.admin + "/metrics")
			if err != nil {
				return -1
			}
			return samples.Value("fos_sagas_stuck", map[string]string{"status": status})
		}
		require.Eventually(t, func() bool { return stuck("PENDING") == 1 }, wait, tick,
			"the order held back is stuck once older than %s", stuckAfter)
		assert.Equal(t, 0.0, stuck("PAID"))
		assert.Equal(t, 0.0, stuck("CANCELLING"))

		listed, status, err := getJSON[stuckSagas](s.admin + "/sagas/stuck")
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, stuckAfter.Seconds(), listed.StuckAfterSeconds)
		require.Len(t, listed.Sagas, 1, "only the order held back: the others ended")
		saga := listed.Sagas[0]
		assert.Equal(t, held.OrderID, saga.OrderID)
		assert.Equal(t, held.OrderTrackingID, saga.OrderTrackingID)
		assert.Equal(t, "PENDING", saga.OrderStatus)
		assert.Equal(t, application.WaitingForPayment, saga.WaitingFor)
		assert.Zero(t, saga.Resends)
		assert.WithinDuration(t, time.Now(), saga.CreatedAt, wait, "placed during the test")
	})
}
