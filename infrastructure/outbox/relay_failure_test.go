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
	"github.com/food-ordering-system/infrastructure/kafka/kafkatest"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/postgres/pgtest"
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
	producer, err := kafka.NewProducer(kcfg, zap.NewNop())
	require.NoError(t, err)
	defer producer.Close()

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
	relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}), publisher, nil,
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
// attempt (an outage must not park good rows), and the relay waits. Its
// backoff here is an hour, so only the NOTIFY of a new row can end the wait
// in time once the broker is back.
func TestRelayWaitsOutAnOutageWithoutChargingRowsAndANotifyEndsTheWait(t *testing.T) {
	t.Parallel()
	db, cfg := newOutbox(t)
	pub := newRecorder()
	pub.fail.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wake := postgres.Listen(ctx, cfg, postgres.OutboxChannel(cfg.Schema, table), zap.NewNop())
	<-wake
	ids := insertRows(t, db, 5)
	relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}), pub, wake,
		outbox.RelayConfig{PollInterval: time.Hour, MinBackoff: time.Hour, MaxBackoff: time.Hour, MaxAttempts: 1},
		zaptest.NewLogger(t))
	runRelay(t, relay)

	require.Eventually(t, func() bool { return pub.calls.Load() >= 1 }, 10*time.Second, 5*time.Millisecond)
	for _, id := range ids {
		r := rows(t, db)[id]
		assert.Equal(t, "STARTED", r.OutboxStatus, "MaxAttempts is 1, yet an outage parks nothing")
		assert.Zero(t, r.Attempts)
	}

	pub.fail.Store(false)
	late := insertRows(t, db, 1) // its NOTIFY ends the hour-long backoff
	require.Eventually(t, func() bool { return allCompleted(t, rows(t, db), uuid.Nil) }, 10*time.Second, 10*time.Millisecond)
	for _, id := range append(ids, late...) {
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
	pub := &cancellingPublisher{recorder: rec, cancel: cancel}
	relay := outbox.NewRelay(store, pub, nil, outbox.RelayConfig{BatchSize: 10}, zaptest.NewLogger(t))
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
	require.NoError(t, outbox.NewRelay(store, rec, nil, outbox.RelayConfig{BatchSize: 10}, zaptest.NewLogger(t)).
		Drain(context.Background()))
	for _, id := range ids {
		assert.Equal(t, 1, rec.count(id), "published once: %s", id)
	}
}

// batchRecorder records the size of every batch it is given.
type batchRecorder struct {
	*recorder
	mu      sync.Mutex
	batches []int
}

func (b *batchRecorder) Publish(ctx context.Context, batch []outbox.Message) []error {
	b.mu.Lock()
	b.batches = append(b.batches, len(batch))
	b.mu.Unlock()
	return b.recorder.Publish(ctx, batch)
}

// countingStore counts the claims that reach the store.
type countingStore struct {
	outbox.Store
	claims atomic.Int32
}

func (c *countingStore) Claim(ctx context.Context, limit int, publish func(context.Context, []outbox.Message) ([]uuid.UUID, error)) (int, error) {
	c.claims.Add(1)
	return c.Store.Claim(ctx, limit, publish)
}

// Rows committed one after the other right after a wake share one claim
// when the relay gathers for a moment first.
func TestGatherWindowPublishesNearlySimultaneousCommitsAsOneBatch(t *testing.T) {
	t.Parallel()
	db, cfg := newOutbox(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wake := postgres.Listen(ctx, cfg, postgres.OutboxChannel(cfg.Schema, table), zap.NewNop())
	<-wake
	pub := &batchRecorder{recorder: newRecorder()}
	store := &countingStore{Store: postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table})}
	relay := outbox.NewRelay(store, pub, wake,
		outbox.RelayConfig{PollInterval: time.Hour, GatherWindow: 500 * time.Millisecond}, zaptest.NewLogger(t))
	runRelay(t, relay)
	// The relay drains once at start; only then is it waiting for a wake.
	require.Eventually(t, func() bool { return store.claims.Load() >= 1 }, 10*time.Second, time.Millisecond)

	var ids []uuid.UUID
	for range 3 { // three transactions, three NOTIFYs
		ids = append(ids, insertRows(t, db, 1)...)
	}

	require.Eventually(t, func() bool { return allCompleted(t, rows(t, db), uuid.Nil) }, 10*time.Second, 10*time.Millisecond)
	pub.mu.Lock()
	defer pub.mu.Unlock()
	assert.Equal(t, []int{3}, pub.batches, "one claim for the three commits")
	for _, id := range ids {
		assert.Equal(t, 1, pub.count(id))
	}
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
	relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}), pub, nil,
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
