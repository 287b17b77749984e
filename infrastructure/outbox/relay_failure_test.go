package outbox_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
)

// allCompleted reports whether every row but except is COMPLETED.
func allCompleted(t *testing.T, rs map[uuid.UUID]row, except uuid.UUID) bool {
	t.Helper()
	for id, r := range rs {
		if id != except && r.OutboxStatus != "COMPLETED" {
			return false
		}
	}
	return true
}

// A row that can never be published is charged an attempt each time, ends
// FAILED with its reason, and never slows the good rows around it: the relay
// backs off only for whole-batch failures, and its backoff here is an hour,
// so a single backoff would make the test time out.
func TestRelayParksAPoisonRowAndPublishesTheOthersAtFullSpeed(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	kcfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "relay-poison")
	producer := kafkatest.Producer(t, kcfg)

	ids := insertRows(t, db, 200)
	poison := ids[0] // first in creation order: every claim meets it first
	pgtest.Exec(t, db, `UPDATE test_outbox SET payload = '{"poison": true}' WHERE id = ?`, poison)
	publisher := kafka.NewOutboxPublisher(producer, topic, func(m outbox.Message) (any, error) {
		if string(m.Payload) == `{"poison": true}` {
			return nil, errors.New("payload of an older version: no field n")
		}
		return m.Payload, nil
	}, zap.NewNop())

	const maxAttempts = 3
	relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}), publisher,
		outbox.RelayConfig{BatchSize: 20, PollInterval: 10 * time.Millisecond, MinBackoff: time.Hour, MaxBackoff: time.Hour,
			MaxAttempts: maxAttempts}, zaptest.NewLogger(t))
	runRelay(t, relay)

	require.Eventually(t, func() bool {
		rs := rows(t, db)
		return rs[poison].OutboxStatus == "FAILED" && allCompleted(t, rs, poison)
	}, 30*time.Second, 10*time.Millisecond, "the good rows flow and the poison row is parked")
	parked := rows(t, db)[poison]
	assert.Equal(t, maxAttempts, parked.Attempts)
	require.NotNil(t, parked.LastError)
	assert.Contains(t, *parked.LastError, "payload of an older version")
	assert.Nil(t, parked.ProcessedAt, "a FAILED row was never published")
	for _, id := range ids[1:] {
		assert.Zero(t, rows(t, db)[id].Attempts, "a good row is never charged: %s", id)
	}
}

// When the broker is down, the whole batch fails: no row is charged an
// attempt (an outage must not park good rows), whether a claim or the fast
// path tried it, and the relay backs off; once the broker is back every row
// goes out once.
func TestRelayWaitsOutAnOutageWithoutChargingRows(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	pub := newRecorder()
	pub.fail.Store(true)
	ids := insertRows(t, db, 5)
	relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}), pub,
		outbox.RelayConfig{PollInterval: time.Hour, MinBackoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, MaxAttempts: 1},
		zaptest.NewLogger(t))
	runRelay(t, relay)
	ids = append(ids, writeAtCommit(t, db, relay, 2, nil)...)

	require.Eventually(t, func() bool { return pub.calls.Load() >= 10 }, 10*time.Second, 5*time.Millisecond)
	for _, id := range ids {
		r := rows(t, db)[id]
		assert.Equal(t, "STARTED", r.OutboxStatus, "MaxAttempts is 1, yet an outage parks nothing")
		assert.Zero(t, r.Attempts)
	}

	pub.fail.Store(false)
	require.Eventually(t, func() bool { return allCompleted(t, rows(t, db), uuid.Nil) }, 10*time.Second, 10*time.Millisecond)
	for _, id := range ids {
		assert.Equal(t, 1, pub.count(id))
	}
}

// cancellingPublisher acknowledges a batch, then cancels the relay as SIGTERM
// would, before the relay can mark the batch.
type cancellingPublisher struct {
	*recorder
	once   sync.Once
	cancel context.CancelFunc
}

func (p *cancellingPublisher) Publish(ctx context.Context, batch []outbox.Message) []error {
	errs := p.recorder.Publish(ctx, batch)
	p.once.Do(p.cancel)
	return errs
}

// A shutdown that begins after the broker acknowledged a batch still marks
// the batch COMPLETED, so the next relay publishes none of it again.
func TestShutdownMidBatchStillMarksWhatWasPublished(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	ids := insertRows(t, db, 30)
	store := postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table})
	rec := newRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pub := &cancellingPublisher{recorder: rec, cancel: cancel}
	relay := outbox.NewRelay(store, pub, outbox.RelayConfig{BatchSize: 10}, zaptest.NewLogger(t))
	require.NoError(t, relay.Run(ctx))

	rs := rows(t, db)
	completed := 0
	for _, id := range ids {
		if rs[id].OutboxStatus == "COMPLETED" {
			completed++
			assert.Equal(t, 1, rec.count(id))
		}
	}
	assert.Equal(t, 10, completed, "the batch acknowledged before the shutdown is marked")

	// The next process drains the rest; nothing is published twice.
	require.NoError(t, outbox.NewRelay(store, rec, outbox.RelayConfig{BatchSize: 10}, zaptest.NewLogger(t)).
		Drain(context.Background()))
	for _, id := range ids {
		assert.Equal(t, 1, rec.count(id), "published once: %s", id)
	}
}

// A shutdown that begins while the fast path sends a row still marks it,
// so no claim sends it again.
func TestShutdownDuringAPublishAtCommitStillMarksIt(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	store := postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table})
	rec := newRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	relay := outbox.NewRelay(store, &cancellingPublisher{recorder: rec, cancel: cancel},
		outbox.RelayConfig{PollInterval: time.Hour}, zaptest.NewLogger(t))
	done := make(chan error, 1)
	go func() { done <- relay.Run(ctx) }()
	ids := writeAtCommit(t, db, relay, 1, nil)
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the relay did not stop")
	}
	assert.Equal(t, 1, rec.count(ids[0]))
	assert.Equal(t, "COMPLETED", rows(t, db)[ids[0]].OutboxStatus)
}

// partitionOutage is a Publisher whose one partition has lost its leader, or
// has too few replicas in sync: the rows of the sagas in down fail with that
// retriable broker error while every other row goes through.
type partitionOutage struct {
	*recorder
	mu   sync.Mutex
	down map[uuid.UUID]bool // saga ids
}

func (p *partitionOutage) Publish(ctx context.Context, batch []outbox.Message) []error {
	p.mu.Lock()
	defer p.mu.Unlock()
	errs := make([]error, len(batch))
	var up []outbox.Message
	var at []int
	for i, m := range batch {
		if p.down[m.SagaID] {
			errs[i] = sarama.ErrNotEnoughReplicas
			continue
		}
		up = append(up, m)
		at = append(at, i)
	}
	for j, err := range p.recorder.Publish(ctx, up) {
		errs[at[j]] = err
	}
	return errs
}

// A retriable broker error on some rows of a batch, while the others are
// published, charges those rows nothing: a partition without a leader or
// without enough in-sync replicas for a while must not park healthy rows
// FAILED, however many batches it spoils. Once the partition is back, they go
// out once each.
func TestRelayNeverChargesARowForARetriableBrokerError(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	ids := insertRows(t, db, 10)
	var sagas []struct {
		ID     uuid.UUID
		SagaID uuid.UUID
	}
	require.NoError(t, db.Table(table).Select("id, saga_id").Where("id IN ?", ids[:3]).Scan(&sagas).Error)
	pub := &partitionOutage{recorder: newRecorder(), down: map[uuid.UUID]bool{}}
	for _, s := range sagas {
		pub.down[s.SagaID] = true
	}
	relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}), pub,
		outbox.RelayConfig{BatchSize: 4, PollInterval: 5 * time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond,
			MaxAttempts: 1}, zaptest.NewLogger(t))
	runRelay(t, relay)

	// MaxAttempts is 1: a single charge would park a row. Let the outage
	// spoil many batches.
	require.Eventually(t, func() bool { return pub.calls.Load() >= 50 && pub.count(ids[9]) == 1 }, 20*time.Second, 5*time.Millisecond)
	for _, id := range ids[:3] {
		r := rows(t, db)[id]
		assert.Equal(t, "STARTED", r.OutboxStatus, "a row of the partition that is down waits: %s", id)
		assert.Zero(t, r.Attempts, "and is never charged: %s", id)
	}

	pub.mu.Lock()
	clear(pub.down)
	pub.mu.Unlock()
	require.Eventually(t, func() bool { return allCompleted(t, rows(t, db), uuid.Nil) }, 10*time.Second, 5*time.Millisecond)
	for _, id := range ids {
		assert.Equal(t, 1, pub.count(id), "published once: %s", id)
	}
}

// failOnce fails the first batch it is given with a retriable error.
type failOnce struct {
	*recorder
	failed atomic.Bool
}

func (f *failOnce) Publish(ctx context.Context, batch []outbox.Message) []error {
	if f.failed.CompareAndSwap(false, true) {
		errs := make([]error, len(batch))
		for i := range errs {
			errs[i] = sarama.ErrNotLeaderForPartition
		}
		return errs
	}
	return f.recorder.Publish(ctx, batch)
}

// Rows still queued behind a batch whose publish failed go out once the
// relay has backed off, without waiting for another commit, a poll or their
// lease.
func TestRowsQueuedBehindAFailedPublishGoOutWithoutANewCommit(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	pub := &failOnce{recorder: newRecorder()}
	relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}), pub,
		outbox.RelayConfig{BatchSize: 1, PollInterval: time.Hour, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond},
		zaptest.NewLogger(t))
	ids := writeAtCommit(t, db, relay, 3, nil) // queued before the relay runs
	runRelay(t, relay)

	require.Eventually(t, func() bool { return allCompleted(t, rows(t, db), uuid.Nil) }, 10*time.Second, 5*time.Millisecond)
	for _, id := range ids {
		assert.Equal(t, 1, pub.count(id))
	}
}
