package metrics_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"
	"gorm.io/gorm"

	"github.com/food-ordering-system/infrastructure/metrics"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/retry"
	"github.com/food-ordering-system/infrastructure/testkit/metricstest"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
)

const table = "test_outbox"

// newOutbox returns a throwaway schema with an outbox table shaped like the
// services' ones, and its store.
func newOutbox(t *testing.T) (*gorm.DB, *postgres.OutboxStore) {
	t.Helper()
	db, _ := pgtest.New(t, nil)
	pgtest.CreateOutbox(t, db, "test_outbox")
	return db, postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table})
}

// insert adds STARTED rows created at the given times, with the given
// payloads, and returns their ids.
func insert(t *testing.T, db *gorm.DB, createdAt time.Time, payloads ...string) []uuid.UUID {
	t.Helper()
	ids := make([]uuid.UUID, len(payloads))
	for i, p := range payloads {
		ids[i] = uuid.New()
		pgtest.Exec(t, db, `INSERT INTO test_outbox (id, saga_id, created_at, type, payload, outbox_status)
			VALUES (?, ?, ?, 'OrderProcessingSaga', ?, 'STARTED')`, ids[i], uuid.New(), createdAt.Add(time.Duration(i)*time.Millisecond), p)
	}
	return ids
}

// publisher refuses the rows whose payload is {"poison":true}, and the whole
// batch while down is set.
type publisher struct{ down bool }

func (p *publisher) Publish(_ context.Context, batch []outbox.Message) []error {
	errs := make([]error, len(batch))
	for i, m := range batch {
		switch {
		case p.down:
			errs[i] = errors.New("broker unavailable")
		case string(m.Payload) == `{"poison": true}`:
			errs[i] = retry.Permanent(errors.New("the broker refuses this record"))
		}
	}
	return errs
}

func outboxValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	return metricstest.Gather(t, reg).Value(name, map[string]string{"table": table})
}

// The counters follow what the relay's claims committed: rows published,
// each failed attempt, and the row given up on; the gauges read the table.
func TestOutboxCountersFollowTheRelayAndGaugesReadTheTable(t *testing.T) {
	t.Parallel()
	db, store := newOutbox(t)
	reg := prometheus.NewRegistry()
	m := metrics.NewOutboxMetrics(reg)
	pub := &publisher{}
	relay := outbox.NewRelay(m.Instrument(store), pub, outbox.RelayConfig{Name: table, MaxAttempts: 2}, zaptest.NewLogger(t))
	ctx := context.Background()

	samples := metricstest.Gather(t, reg)
	for _, name := range []string{"fos_outbox_published_total", "fos_outbox_publish_failures_total", "fos_outbox_parked_total",
		"fos_outbox_waiting_rows", "fos_outbox_oldest_waiting_age_seconds", "fos_outbox_failed_rows"} {
		assert.True(t, samples.Has(name, map[string]string{"table": table}), "%s is there at 0 before the first row", name)
	}

	insert(t, db, time.Now().UTC(), `{"n": 1}`, `{"poison": true}`, `{"n": 2}`, `{"n": 3}`)
	require.NoError(t, relay.Drain(ctx))
	assert.Equal(t, 3.0, outboxValue(t, reg, "fos_outbox_published_total"))
	assert.Equal(t, 1.0, outboxValue(t, reg, "fos_outbox_publish_failures_total"), "the poison row, first attempt")
	assert.Equal(t, 0.0, outboxValue(t, reg, "fos_outbox_parked_total"))
	assert.Equal(t, 1.0, outboxValue(t, reg, "fos_outbox_waiting_rows"), "the poison row waits for its second attempt")

	require.NoError(t, relay.Drain(ctx))
	assert.Equal(t, 3.0, outboxValue(t, reg, "fos_outbox_published_total"))
	assert.Equal(t, 2.0, outboxValue(t, reg, "fos_outbox_publish_failures_total"), "the poison row, second attempt")
	assert.Equal(t, 1.0, outboxValue(t, reg, "fos_outbox_parked_total"), "given up on after max_attempts")
	samples = metricstest.Gather(t, reg)
	assert.Equal(t, 0.0, samples.Value("fos_outbox_waiting_rows", map[string]string{"table": table}))
	assert.Equal(t, 0.0, samples.Value("fos_outbox_oldest_waiting_age_seconds", map[string]string{"table": table}), "0 when nothing waits")
	assert.Equal(t, 1.0, samples.Value("fos_outbox_failed_rows", map[string]string{"table": table}))
}

// A batch the broker does not take costs each of its rows a failure and no
// attempt; the rows wait, and the age of the oldest grows.
func TestOutboxCountsEveryRowOfABatchTheBrokerDidNotTake(t *testing.T) {
	t.Parallel()
	db, store := newOutbox(t)
	reg := prometheus.NewRegistry()
	m := metrics.NewOutboxMetrics(reg)
	relay := outbox.NewRelay(m.Instrument(store), &publisher{down: true}, outbox.RelayConfig{Name: table}, zaptest.NewLogger(t))
	insert(t, db, time.Now().UTC().Add(-time.Minute), `{"n": 1}`, `{"n": 2}`)

	require.Error(t, relay.Drain(context.Background()))

	samples := metricstest.Gather(t, reg)
	byTable := map[string]string{"table": table}
	assert.Equal(t, 0.0, samples.Value("fos_outbox_published_total", byTable))
	assert.Equal(t, 2.0, samples.Value("fos_outbox_publish_failures_total", byTable))
	assert.Equal(t, 0.0, samples.Value("fos_outbox_parked_total", byTable))
	assert.Equal(t, 2.0, samples.Value("fos_outbox_waiting_rows", byTable))
	assert.InDelta(t, 60, samples.Value("fos_outbox_oldest_waiting_age_seconds", byTable), 30, "the oldest row waits since a minute ago")
}

// A claim whose transaction fails counts nothing: its rows are claimed and
// counted again.
func TestOutboxCountsNothingOfAClaimThatDidNotCommit(t *testing.T) {
	t.Parallel()
	db, store := newOutbox(t)
	reg := prometheus.NewRegistry()
	m := metrics.NewOutboxMetrics(reg)
	insert(t, db, time.Now().UTC(), `{"n": 1}`)
	// The table's marks fail: the claim's UPDATE breaks a constraint, after
	// the broker took the row.
	pgtest.Exec(t, db, `ALTER TABLE test_outbox ADD CONSTRAINT never_completed CHECK (outbox_status <> 'COMPLETED') NOT VALID`)
	relay := outbox.NewRelay(m.Instrument(store), &publisher{}, outbox.RelayConfig{Name: table}, zaptest.NewLogger(t))

	require.Error(t, relay.Drain(context.Background()))

	assert.Equal(t, 0.0, outboxValue(t, reg, "fos_outbox_published_total"), "the row is still STARTED and will go out again")
	assert.Equal(t, 0.0, outboxValue(t, reg, "fos_outbox_publish_failures_total"))
	assert.Equal(t, 1.0, outboxValue(t, reg, "fos_outbox_waiting_rows"))
}

// A backlog that cannot be read leaves its series out of the scrape and
// reports why.
func TestOutboxGaugesOfAnUnreadableTableAreAScrapeError(t *testing.T) {
	t.Parallel()
	db, store := newOutbox(t)
	reg := prometheus.NewRegistry()
	metrics.NewOutboxMetrics(reg).Instrument(store)
	pgtest.Exec(t, db, `DROP TABLE test_outbox`)

	_, err := reg.Gather()

	assert.ErrorContains(t, err, "read the backlog of test_outbox")
}
