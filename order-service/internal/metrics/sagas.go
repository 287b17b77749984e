package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	inframetrics "github.com/food-ordering-system/infrastructure/metrics"
	"github.com/food-ordering-system/infrastructure/postgres"
)

// Sagas holds the series of the order saga, which order-service records:
//
//   - fos_orders_finished_total{status, saga_status}: orders whose saga
//     ended: APPROVED/SUCCEEDED, CANCELLED/COMPENSATED, or CANCELLING/FAILED
//     (a refund that failed, which an operator must settle);
//   - fos_saga_duration_seconds{status, saga_status}: from the order's
//     creation to the end of its saga;
//   - fos_sagas_stuck{status}: orders in a status that is not final and older
//     than the service's threshold, counted at scrape time.
//
// It implements order-service's application.SagaMetrics port.
type Sagas struct {
	finished *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// sagaDurationBuckets span a saga that ends in tens of milliseconds to one
// that the deadlines end after minutes.
var sagaDurationBuckets = []float64{0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}

// sagaEnds are the ways an order saga ends, as (order status, saga status).
var sagaEnds = [][2]string{
	{string(kernel.OrderStatusApproved), string(saga.StatusSucceeded)},
	{string(kernel.OrderStatusCancelled), string(saga.StatusCompensated)},
	{string(kernel.OrderStatusCancelling), string(saga.StatusFailed)},
}

// NewSagas registers the saga series in reg; stuck, when not nil, is asked
// for fos_sagas_stuck at every scrape. Registering them twice in one registry
// panics, as promauto does.
func NewSagas(reg prometheus.Registerer, stuck StuckSagaCounter) *Sagas {
	f := promauto.With(reg)
	s := &Sagas{
		finished: f.NewCounterVec(prometheus.CounterOpts{Name: "fos_orders_finished_total",
			Help: "Orders whose saga ended, by final order status and saga status."}, []string{"status", "saga_status"}),
		duration: f.NewHistogramVec(prometheus.HistogramOpts{Name: "fos_saga_duration_seconds",
			Help:    "Time from an order's creation to the end of its saga.",
			Buckets: sagaDurationBuckets}, []string{"status", "saga_status"}),
	}
	for _, end := range sagaEnds {
		s.finished.WithLabelValues(end[0], end[1])
		s.duration.WithLabelValues(end[0], end[1])
	}
	if stuck != nil {
		reg.MustRegister(&stuckCollector{counter: stuck,
			desc: prometheus.NewDesc("fos_sagas_stuck",
				"Orders in a status that is not final and older than saga.stuck_after, read at scrape time.", []string{"status"}, nil)})
	}
	return s
}

// SagaEnded implements order-service's application.SagaMetrics: it is told
// inside the transaction that ends the saga and counts the end once that
// transaction has committed, so a step that is rolled back and handled again
// counts once. The duration runs from startedAt to the commit.
func (s *Sagas) SagaEnded(ctx context.Context, orderStatus kernel.OrderStatus, sagaStatus saga.Status, startedAt time.Time) {
	postgres.AfterCommit(ctx, func() {
		s.finished.WithLabelValues(string(orderStatus), string(sagaStatus)).Inc()
		s.duration.WithLabelValues(string(orderStatus), string(sagaStatus)).Observe(max(0, time.Since(startedAt).Seconds()))
	})
}

// stuckCollector asks its counter for the stuck sagas when Prometheus
// scrapes.
type stuckCollector struct {
	counter StuckSagaCounter
	desc    *prometheus.Desc
}

// Describe implements prometheus.Collector.
func (c *stuckCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector, within inframetrics.ScrapeTimeout.
func (c *stuckCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), inframetrics.ScrapeTimeout)
	defer cancel()
	counts, err := c.counter.CountStuckSagas(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for status, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), string(status))
	}
}
