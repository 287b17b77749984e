package metrics

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// OutboxMetrics holds the series of the transactional outbox, per table:
//
//   - fos_outbox_published_total: rows the relay published and marked
//     COMPLETED, at commit or by a claim;
//   - fos_outbox_publish_failures_total: rows whose publish failed, each
//     time: every row of a batch the broker did not take, and each row that
//     failed on its own (and was charged an attempt);
//   - fos_outbox_parked_total: rows the relay gave up on and marked FAILED;
//   - fos_outbox_waiting_rows, fos_outbox_oldest_waiting_age_seconds and
//     fos_outbox_failed_rows: the backlog, read from the table at every
//     scrape (the age is 0 when nothing waits).
//
// The claim's counters move only once the claim has committed, so a claim
// that is rolled back and sent again is not counted twice.
type OutboxMetrics struct {
	published *prometheus.CounterVec
	failures  *prometheus.CounterVec
	parked    *prometheus.CounterVec
	backlog   *backlogCollector
}

// NewOutboxMetrics registers the outbox series in reg. Registering them twice
// in one registry panics, as promauto does.
func NewOutboxMetrics(reg prometheus.Registerer) *OutboxMetrics {
	f := promauto.With(reg)
	m := &OutboxMetrics{
		published: f.NewCounterVec(prometheus.CounterOpts{Name: "fos_outbox_published_total",
			Help: "Outbox rows published to the broker and marked COMPLETED."}, []string{"table"}),
		failures: f.NewCounterVec(prometheus.CounterOpts{Name: "fos_outbox_publish_failures_total",
			Help: "Outbox rows whose publish failed, counted at each failed attempt."}, []string{"table"}),
		parked: f.NewCounterVec(prometheus.CounterOpts{Name: "fos_outbox_parked_total",
			Help: "Outbox rows the relay gave up on and marked FAILED."}, []string{"table"}),
		backlog: newBacklogCollector(time.Now),
	}
	reg.MustRegister(m.backlog)
	return m
}

// Instrument returns store as the relay should use it: every claim's outcome
// is counted under the store's table, and the table's backlog is read at
// every scrape from then on.
func (m *OutboxMetrics) Instrument(store OutboxStore) outbox.Store {
	table := store.Table()
	// Zero series from the start, so that rate() and alerts see the table
	// before its first row.
	m.published.WithLabelValues(table)
	m.failures.WithLabelValues(table)
	m.parked.WithLabelValues(table)
	m.backlog.add(store)
	return &countingStore{next: store, table: table, m: m}
}

// countingStore is an outbox.Store that counts the outcome of each claim of
// next.
type countingStore struct {
	next  outbox.Store
	table string
	m     *OutboxMetrics
}

// ownPublishError marks the error of the publish function countingStore
// hands to next.Claim. outbox.Store returns publish's error when its claim
// committed and an error of its own when it did not; finding the mark on
// what Claim returned tells the two apart.
type ownPublishError struct{ err error }

func (e *ownPublishError) Error() string { return e.err.Error() }
func (e *ownPublishError) Unwrap() error { return e.err }

// Claim implements outbox.Store.
func (s *countingStore) Claim(ctx context.Context, limit int, publish func(context.Context, []outbox.Message) ([]uuid.UUID, error)) (int, error) {
	var (
		batch     int
		published int
		mark      *ownPublishError
	)
	claimed, err := s.next.Claim(ctx, limit, func(ctx context.Context, msgs []outbox.Message) ([]uuid.UUID, error) {
		batch = len(msgs)
		ids, err := publish(ctx, msgs)
		published = len(ids)
		if err != nil {
			mark = &ownPublishError{err: err}
			return ids, mark
		}
		return ids, nil
	})
	var returned *ownPublishError
	switch {
	case err == nil:
		s.count(published, batch, nil)
		return claimed, nil
	case errors.As(err, &returned) && returned == mark:
		s.count(published, batch, mark.err)
		return claimed, mark.err
	default:
		// The claim's transaction failed: nothing it did is kept, and the
		// rows will be claimed again.
		return claimed, err
	}
}

// MarkPublished implements outbox.Store: the fast path's published rows.
func (s *countingStore) MarkPublished(ctx context.Context, marks []outbox.Mark) ([]outbox.Mark, error) {
	busy, err := s.next.MarkPublished(ctx, marks)
	if err != nil {
		return nil, err
	}
	s.m.published.WithLabelValues(s.table).Add(float64(len(marks) - len(busy)))
	return busy, nil
}

// Release implements outbox.Store: the rows the fast path could not publish,
// each a failed publish.
func (s *countingStore) Release(ctx context.Context, ids []uuid.UUID) error {
	s.m.failures.WithLabelValues(s.table).Add(float64(len(ids)))
	return s.next.Release(ctx, ids)
}

// count records a committed claim of batch rows, published of which went
// out, and publish's error.
func (s *countingStore) count(published, batch int, publishErr error) {
	s.m.published.WithLabelValues(s.table).Add(float64(published))
	if publishErr == nil {
		return
	}
	var rows *outbox.PublishError
	if !errors.As(publishErr, &rows) {
		// The batch failed as a whole: the broker took none of its rows.
		s.m.failures.WithLabelValues(s.table).Add(float64(batch - published))
		return
	}
	s.m.failures.WithLabelValues(s.table).Add(float64(len(rows.Rows)))
	for _, r := range rows.Rows {
		if r.GiveUp {
			s.m.parked.WithLabelValues(s.table).Inc()
		}
	}
}

// backlogCollector reads the backlog of each instrumented table when
// Prometheus scrapes.
type backlogCollector struct {
	waiting, oldest, failed *prometheus.Desc
	now                     func() time.Time

	mu     sync.Mutex
	stores []OutboxStore
}

func newBacklogCollector(now func() time.Time) *backlogCollector {
	return &backlogCollector{
		waiting: prometheus.NewDesc("fos_outbox_waiting_rows",
			"Outbox rows waiting to be published (STARTED), read at scrape time.", []string{"table"}, nil),
		oldest: prometheus.NewDesc("fos_outbox_oldest_waiting_age_seconds",
			"Age of the oldest outbox row waiting to be published, 0 when none waits; read at scrape time.", []string{"table"}, nil),
		failed: prometheus.NewDesc("fos_outbox_failed_rows",
			"Outbox rows parked FAILED, waiting for an operator; read at scrape time.", []string{"table"}, nil),
		now: now,
	}
}

func (c *backlogCollector) add(store OutboxStore) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stores = append(c.stores, store)
}

// Describe implements prometheus.Collector.
func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.waiting
	ch <- c.oldest
	ch <- c.failed
}

// Collect implements prometheus.Collector: one read per table, each within
// ScrapeTimeout. A table whose read fails is reported as an error of the
// scrape and left out; the others are served.
func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	stores := append([]OutboxStore(nil), c.stores...)
	c.mu.Unlock()
	for _, store := range stores {
		ctx, cancel := context.WithTimeout(context.Background(), ScrapeTimeout)
		b, err := store.Backlog(ctx)
		cancel()
		table := store.Table()
		if err != nil {
			ch <- prometheus.NewInvalidMetric(c.waiting, err)
			continue
		}
		age := 0.0
		if b.Waiting > 0 && !b.OldestWaiting.IsZero() {
			age = max(0, c.now().Sub(b.OldestWaiting).Seconds())
		}
		ch <- prometheus.MustNewConstMetric(c.waiting, prometheus.GaugeValue, float64(b.Waiting), table)
		ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, age, table)
		ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, float64(b.Failed), table)
	}
}
