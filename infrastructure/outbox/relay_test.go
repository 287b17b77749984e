package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"
	"gorm.io/gorm"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
)

const table = "test_outbox"

// newOutbox returns a throwaway schema with an outbox table shaped like the
// services' ones.
func newOutbox(t testing.TB) (*gorm.DB, postgres.Config) {
	t.Helper()
	db, cfg := pgtest.New(t, nil)
	pgtest.CreateOutbox(t, db, "test_outbox")
	return db, cfg
}

type row struct {
	ID           uuid.UUID
	OutboxStatus string
	ProcessedAt  *time.Time
	Attempts     int
	LastError    *string
}

func insertRows(t testing.TB, db *gorm.DB, n int) []uuid.UUID {
	t.Helper()
	ids := make([]uuid.UUID, n)
	base := time.Now().UTC()
	values := make([]map[string]any, n)
	for i := range ids {
		ids[i] = uuid.New()
		values[i] = map[string]any{"id": ids[i], "saga_id": uuid.New(), "created_at": base.Add(time.Duration(i) * time.Microsecond),
			"type": "OrderProcessingSaga", "payload": fmt.Sprintf(`{"n":%d}`, i), "outbox_status": "STARTED"}
	}
	require.NoError(t, db.Table(table).CreateInBatches(values, 500).Error)
	return ids
}

// writeAtCommit writes n rows in one transaction, leased to relay and
// handed to it at commit, as the services' repositories do; fail makes the
// transaction roll back instead.
func writeAtCommit(t *testing.T, db *gorm.DB, relay *outbox.Relay, n int, fail error) []uuid.UUID {
	t.Helper()
	ids := make([]uuid.UUID, n)
	err := postgres.NewTransactor(db).Transact(context.Background(), func(ctx context.Context) error {
		for i := range ids {
			m := outbox.Message{ID: uuid.New(), SagaID: uuid.New(), Type: "OrderProcessingSaga",
				Payload: []byte(fmt.Sprintf(`{"n":%d}`, i)), CreatedAt: time.Now()}
			ids[i] = m.ID
			err := postgres.Conn(ctx, db).Table(table).Create(map[string]any{"id": m.ID, "saga_id": m.SagaID,
				"created_at": m.CreatedAt, "type": m.Type, "payload": string(m.Payload), "outbox_status": "STARTED",
				"lease_until": postgres.LeaseUntil(relay)}).Error
			if err != nil {
				return err
			}
			postgres.PublishAtCommit(ctx, relay, m)
		}
		return fail
	})
	if fail == nil {
		require.NoError(t, err)
	} else {
		require.ErrorIs(t, err, fail)
	}
	return ids
}

func rows(t *testing.T, db *gorm.DB) map[uuid.UUID]row {
	t.Helper()
	var rs []row
	require.NoError(t, db.Table(table).Select("id, outbox_status, processed_at, attempts, last_error").Scan(&rs).Error)
	out := make(map[uuid.UUID]row, len(rs))
	for _, r := range rs {
		out[r.ID] = r
	}
	return out
}

// kafkaPublisher publishes outbox rows to topic the way the services'
// publishers do: key = saga id, header message-id = row id.
func kafkaPublisher(p *kafka.Producer, topic string) outbox.Publisher {
	return outbox.PublisherFunc(func(ctx context.Context, batch []outbox.Message) []error {
		msgs := make([]kafka.Message, len(batch))
		for i, m := range batch {
			msgs[i] = kafka.Message{Topic: topic, Key: []byte(m.SagaID.String()), Value: m.Payload,
				Headers: map[string]string{"message-id": m.ID.String()}}
		}
		return p.Send(ctx, msgs)
	})
}

// recorder is a Publisher that remembers what it was given and can be made
// to fail.
type recorder struct {
	mu        sync.Mutex
	published map[uuid.UUID]int
	fail      atomic.Bool
	calls     atomic.Int32
}

func newRecorder() *recorder { return &recorder{published: map[uuid.UUID]int{}} }

func (r *recorder) Publish(_ context.Context, batch []outbox.Message) []error {
	r.calls.Add(1)
	errs := make([]error, len(batch))
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, m := range batch {
		if r.fail.Load() {
			errs[i] = errors.New("broker unavailable")
			continue
		}
		r.published[m.ID]++
	}
	return errs
}

func (r *recorder) count(id uuid.UUID) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.published[id]
}

func runRelay(t *testing.T, relay *outbox.Relay) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- relay.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				assert.NoError(t, err)
			case <-time.After(10 * time.Second):
				t.Error("relay did not stop")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func TestRelayPublishesRowsAtCommitOnlyAndMarksThemCompleted(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	pub := newRecorder()
	// An hour-long poll: only the hand-off at commit can make this relay
	// publish in time.
	relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}), pub,
		outbox.RelayConfig{PollInterval: time.Hour}, zaptest.NewLogger(t))
	runRelay(t, relay)

	rolledBack := writeAtCommit(t, db, relay, 1, errors.New("the use case failed"))
	committed := writeAtCommit(t, db, relay, 3, nil)

	// The publisher sees a row before the relay marks it COMPLETED: wait
	// for the database, then check what was published.
	require.Eventually(t, func() bool {
		rs := rows(t, db)
		for _, id := range committed {
			if rs[id].OutboxStatus != "COMPLETED" {
				return false
			}
		}
		return true
	}, 10*time.Second, 5*time.Millisecond, "committed rows are published at once")
	for _, id := range committed {
		assert.Equal(t, 1, pub.count(id), "published once: %s", id)
	}
	for id, r := range rows(t, db) {
		assert.Equal(t, "COMPLETED", r.OutboxStatus, id)
		require.NotNil(t, r.ProcessedAt, id)
		assert.WithinDuration(t, time.Now(), *r.ProcessedAt, time.Minute)
	}
	assert.Len(t, rows(t, db), 3)
	assert.Zero(t, pub.count(rolledBack[0]), "a rolled-back row is never published")
}

func TestLeasedRowIsLeftToItsWriterUntilTheLeaseRunsOut(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	store := postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table})
	writer := outbox.NewRelay(store, newRecorder(), outbox.RelayConfig{}, zaptest.NewLogger(t))
	// The writer commits and dies before its relay publishes: its relay is
	// never run.
	ids := writeAtCommit(t, db, writer, 2, nil)
	var lease time.Duration
	require.NoError(t, db.Raw(`SELECT (EXTRACT(EPOCH FROM min(lease_until) - clock_timestamp()) * 1e9)::bigint FROM test_outbox`).Scan(&lease).Error)
	assert.InDelta(t, outbox.MinLease, lease, float64(2*time.Second), "leased for the default lease, by the database's clock")

	pub := newRecorder()
	other := outbox.NewRelay(store, pub, outbox.RelayConfig{}, zaptest.NewLogger(t))
	require.NoError(t, other.Drain(context.Background()))
	assert.Zero(t, pub.calls.Load(), "another relay leaves a leased row alone")
	assert.Equal(t, "STARTED", rows(t, db)[ids[0]].OutboxStatus)

	pgtest.Exec(t, db, `UPDATE test_outbox SET lease_until = clock_timestamp() - interval '1 millisecond'`)
	require.NoError(t, other.Drain(context.Background()))
	for _, id := range ids {
		assert.Equal(t, 1, pub.count(id), "a claim publishes the row once its lease has run out")
		assert.Equal(t, "COMPLETED", rows(t, db)[id].OutboxStatus)
	}
}

func TestRowTheFastPathCouldNotPublishIsClaimedWithoutCharge(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	pub := newRecorder()
	pub.fail.Store(true)
	relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}), pub,
		outbox.RelayConfig{PollInterval: time.Hour, MinBackoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond},
		zaptest.NewLogger(t))
	runRelay(t, relay)
	ids := writeAtCommit(t, db, relay, 3, nil)

	// Released at once, so the backoff's claims retry it long before the
	// lease would run out.
	require.Eventually(t, func() bool { return pub.calls.Load() >= 3 }, 10*time.Second, 5*time.Millisecond)
	for _, id := range ids {
		r := rows(t, db)[id]
		assert.Equal(t, "STARTED", r.OutboxStatus)
		assert.Zero(t, r.Attempts, "a retriable error charges nothing")
	}
	pub.fail.Store(false)
	require.Eventually(t, func() bool { return allCompleted(t, rows(t, db), uuid.Nil) }, 10*time.Second, 5*time.Millisecond)
	for _, id := range ids {
		assert.Equal(t, 1, pub.count(id))
	}
}

func TestRowsCommittedDuringAProduceGoOutTogetherInTheNext(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	release := make(chan struct{})
	var (
		mu      sync.Mutex
		batches []int
	)
	pub := outbox.PublisherFunc(func(_ context.Context, batch []outbox.Message) []error {
		mu.Lock()
		batches = append(batches, len(batch))
		first := len(batches) == 1
		mu.Unlock()
		if first {
			<-release // the first produce is slow
		}
		return make([]error, len(batch))
	})
	relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}), pub,
		outbox.RelayConfig{PollInterval: time.Hour}, zaptest.NewLogger(t))
	runRelay(t, relay)

	writeAtCommit(t, db, relay, 1, nil)
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(batches) == 1 }, 10*time.Second, time.Millisecond)
	for range 5 {
		writeAtCommit(t, db, relay, 1, nil)
	}
	close(release)
	require.Eventually(t, func() bool { return allCompleted(t, rows(t, db), uuid.Nil) }, 10*time.Second, 5*time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []int{1, 5}, batches, "the five rows committed during the first produce share the second")
}

func TestMarkPublishedCompletesARowWithdrawnWhileItWasSent(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	ids := insertRows(t, db, 3)
	pgtest.Exec(t, db, `UPDATE test_outbox SET lease_until = now() + interval '1 minute' WHERE id = ?`, ids[0])
	pgtest.Exec(t, db, `UPDATE test_outbox SET outbox_status = 'WITHDRAWN' WHERE id = ?`, ids[1])
	pgtest.Exec(t, db, `UPDATE test_outbox SET outbox_status = 'FAILED' WHERE id = ?`, ids[2])
	store := postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table})
	mark(t, store, marks(time.Now(), ids...))
	rs := rows(t, db)
	assert.Equal(t, "COMPLETED", rs[ids[0]].OutboxStatus)
	assert.Equal(t, "COMPLETED", rs[ids[1]].OutboxStatus, "it was sent, so it is not withdrawn")
	assert.Equal(t, "FAILED", rs[ids[2]].OutboxStatus, "a parked row is an operator's")
	assert.NotNil(t, rs[ids[0]].ProcessedAt)
}

func TestRelayKeepsRowsStartedWhilePublishingFailsAndRecovers(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	pub := newRecorder()
	pub.fail.Store(true)
	relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}), pub,
		outbox.RelayConfig{PollInterval: 20 * time.Millisecond, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond},
		zaptest.NewLogger(t))
	ids := insertRows(t, db, 5)
	runRelay(t, relay)

	require.Eventually(t, func() bool { return pub.calls.Load() >= 3 }, 10*time.Second, 5*time.Millisecond,
		"the relay retries the failed publish")
	for _, r := range rows(t, db) {
		assert.Equal(t, "STARTED", r.OutboxStatus)
		assert.Nil(t, r.ProcessedAt)
	}

	pub.fail.Store(false)
	require.Eventually(t, func() bool { return allCompleted(t, rows(t, db), uuid.Nil) }, 10*time.Second, 10*time.Millisecond)
	for _, id := range ids {
		assert.Equal(t, 1, pub.count(id), "published once after recovery")
	}
}

func TestTwoRelaysPublishEachRowExactlyOnce(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	kcfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "relay-once")
	producer := kafkatest.Producer(t, kcfg)

	// Half the rows wait for a claim; the other half are written at commit
	// by the first relay's instance while the second relay polls: its
	// claims leave them to their writer.
	const n = 1000
	ids := insertRows(t, db, n/2)
	relays := make([]*outbox.Relay, 2)
	for i := range relays {
		relays[i] = outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}),
			kafkaPublisher(producer, topic),
			outbox.RelayConfig{Name: fmt.Sprint("relay-", i), BatchSize: 50, PollInterval: 10 * time.Millisecond},
			zaptest.NewLogger(t))
		runRelay(t, relays[i])
	}
	for range n / 2 / 50 {
		ids = append(ids, writeAtCommit(t, db, relays[0], 50, nil)...)
	}

	// Count every record on the topic by message id.
	var mu sync.Mutex
	seen := map[string]int{}
	var total atomic.Int32
	kafkatest.Consume(t, kcfg, topic, producer, func(_ context.Context, m *kafka.Received) error {
		mu.Lock()
		seen[m.Headers["message-id"]]++
		mu.Unlock()
		total.Add(1)
		return nil
	})

	// Once every row is COMPLETED no relay publishes any more, so the
	// topic's end offsets count every record the relays ever sent: exactly
	// n when no row went out twice.
	require.Eventually(t, func() bool { return allCompleted(t, rows(t, db), uuid.Nil) }, 60*time.Second, 10*time.Millisecond, "every row is marked once its batch commits")
	assert.EqualValues(t, n, recordsOn(t, kcfg, topic), "records on the topic")

	require.Eventually(t, func() bool { return total.Load() >= n }, 60*time.Second, 50*time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	assert.Len(t, seen, n)
	for _, id := range ids {
		assert.Equal(t, 1, seen[id.String()], "message %s", id)
	}
}

// recordsOn counts the records of every partition of topic.
func recordsOn(t *testing.T, cfg kafka.Config, topic string) int64 {
	t.Helper()
	client, err := sarama.NewClient(cfg.Brokers, sarama.NewConfig())
	require.NoError(t, err)
	defer client.Close()
	partitions, err := client.Partitions(topic)
	require.NoError(t, err)
	var total int64
	for _, p := range partitions {
		newest, err := client.GetOffset(topic, p, sarama.OffsetNewest)
		require.NoError(t, err)
		oldest, err := client.GetOffset(topic, p, sarama.OffsetOldest)
		require.NoError(t, err)
		total += newest - oldest
	}
	return total
}

func TestCleanerDeletesOrArchivesFinishedRowsOnly(t *testing.T) {
	t.Parallel()
	for _, archive := range []bool{false, true} {
		t.Run(fmt.Sprint("archive=", archive), func(t *testing.T) {
			db, _ := newOutbox(t)
			ids := insertRows(t, db, 4)
			pgtest.Exec(t, db, `UPDATE test_outbox SET outbox_status = 'COMPLETED', processed_at = now() WHERE id IN ?`, ids[:3])
			store := postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table, Archive: archive})
			removed, err := store.CleanFinished(context.Background())
			require.NoError(t, err)
			assert.EqualValues(t, 3, removed)
			left := rows(t, db)
			assert.Len(t, left, 1)
			assert.Contains(t, left, ids[3], "a row still STARTED stays")
			var archived int64
			require.NoError(t, db.Table(table+"_archive").Count(&archived).Error)
			if archive {
				assert.EqualValues(t, 3, archived)
			} else {
				assert.Zero(t, archived)
			}
		})
	}
}

// A request that comes again while its answer's publish waits for the mark
// asks for nothing more: the row is still owed, keeps its lease, and goes out
// once. A row already marked goes out again at the next claim.
func TestResendLeavesARowStillOwedAsItIs(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	store := postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table})
	// A relay that is not running: the rows stay leased, as while they wait
	// for their mark.
	idle := outbox.NewRelay(store, newRecorder(), outbox.RelayConfig{}, zaptest.NewLogger(t))
	ids := writeAtCommit(t, db, idle, 2, nil)
	mark(t, store, marks(time.Now(), ids[0]))
	for _, id := range ids {
		resent, err := postgres.ResendOutboxRows(context.Background(), db, table, "id = ?", id)
		require.NoError(t, err)
		require.True(t, resent, "row %s matched", id)
	}
	var leased []uuid.UUID
	require.NoError(t, db.Table(table).Where("lease_until IS NOT NULL").Pluck("id", &leased).Error)
	assert.Equal(t, []uuid.UUID{ids[1]}, leased, "the owed row keeps its lease; the published one is free to claim")

	mark(t, store, marks(time.Now(), ids[1]))
	rs := rows(t, db)
	assert.Equal(t, "STARTED", rs[ids[0]].OutboxStatus, "the published row is owed again")
	assert.Equal(t, "COMPLETED", rs[ids[1]].OutboxStatus, "the owed row was published once")
	var published []uuid.UUID
	_, err := store.Claim(context.Background(), 10, func(_ context.Context, batch []outbox.Message) ([]uuid.UUID, error) {
		for _, m := range batch {
			published = append(published, m.ID)
		}
		return published, nil
	})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{ids[0]}, published)
}

// mark marks rows no other transaction holds.
func mark(t *testing.T, store *postgres.OutboxStore, marks []outbox.Mark) {
	t.Helper()
	busy, err := store.MarkPublished(context.Background(), marks)
	require.NoError(t, err)
	require.Empty(t, busy)
}

// A mark never waits for a row a saga step holds (its answer may have come
// back before the mark): it marks the others and returns that one busy, and
// marks it once the step has committed.
func TestMarkPublishedLeavesARowATransactionHoldsBusy(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	ids := insertRows(t, db, 3)
	pgtest.Exec(t, db, `UPDATE test_outbox SET lease_until = now() + interval '1 minute'`)
	pgtest.Exec(t, db, `UPDATE test_outbox SET outbox_status = 'FAILED' WHERE id = ?`, ids[2])
	store := postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table})

	step := db.Begin()
	require.NoError(t, step.Error)
	defer step.Rollback()
	require.NoError(t, step.Exec(`UPDATE test_outbox SET attempts = attempts WHERE id = ?`, ids[1]).Error)

	published := marks(time.Now(), ids...)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	busy, err := store.MarkPublished(ctx, published)
	require.NoError(t, err, "the mark does not wait for the step")
	assert.Equal(t, published[1:2], busy, "the held row is busy; the parked one is not owed")
	rs := rows(t, db)
	assert.Equal(t, "COMPLETED", rs[ids[0]].OutboxStatus)
	assert.Equal(t, "STARTED", rs[ids[1]].OutboxStatus)
	assert.Equal(t, "FAILED", rs[ids[2]].OutboxStatus)

	require.NoError(t, step.Commit().Error)
	mark(t, store, busy)
	assert.Equal(t, "COMPLETED", rows(t, db)[ids[1]].OutboxStatus)
}

// The relay marks a row a saga step held at its first mark at a later one,
// once the step has committed, and stops trying once it is marked.
func TestRelayMarksARowASagaStepHeldAfterTheStep(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	store := &countingStore{Store: postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table})}
	published := newRecorder()
	relay := outbox.NewRelay(store, published, outbox.RelayConfig{PollInterval: time.Hour, MarkDelay: 10 * time.Millisecond},
		zaptest.NewLogger(t))
	ids := writeAtCommit(t, db, relay, 1, nil)
	// The step takes the row before the relay runs, as a reply that came
	// back before the mark does.
	step := db.Begin()
	require.NoError(t, step.Error)
	defer step.Rollback()
	require.NoError(t, step.Exec(`UPDATE test_outbox SET attempts = attempts WHERE id = ?`, ids[0]).Error)
	runRelay(t, relay)

	require.Eventually(t, func() bool { return published.count(ids[0]) == 1 && len(store.markCalls()) >= 2 }, 10*time.Second,
		5*time.Millisecond, "the relay publishes the row and tries its mark again")
	assert.Equal(t, "STARTED", rows(t, db)[ids[0]].OutboxStatus, "not marked while the step holds it")

	require.NoError(t, step.Commit().Error)
	require.Eventually(t, func() bool { return rows(t, db)[ids[0]].OutboxStatus == "COMPLETED" }, 10*time.Second,
		5*time.Millisecond, "marked once the step committed")
	calls := len(store.markCalls())
	// The next marks would come every 10 ms; a relay that kept the mark
	// would have made more by the time another row is published and marked.
	more := writeAtCommit(t, db, relay, 1, nil)
	require.Eventually(t, func() bool { return rows(t, db)[more[0]].OutboxStatus == "COMPLETED" }, 10*time.Second,
		5*time.Millisecond)
	assert.Equal(t, calls+1, len(store.markCalls()), "one mark for the new row, none for the marked one")
	assert.Equal(t, 1, published.count(ids[0]), "published once")
}

// marks are ids published at the same moment.
func marks(at time.Time, ids ...uuid.UUID) []outbox.Mark {
	out := make([]outbox.Mark, len(ids))
	for i, id := range ids {
		out[i] = outbox.Mark{ID: id, PublishedAt: at}
	}
	return out
}

// A mark dates each row by when the broker took it, not by when the mark
// ran: the database's clock less the row's age.
func TestMarkPublishedDatesEachRowByItsPublish(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	ids := insertRows(t, db, 2)
	pgtest.Exec(t, db, `UPDATE test_outbox SET lease_until = now() + interval '1 minute'`)
	var dbNow time.Time
	require.NoError(t, db.Raw(`SELECT clock_timestamp()`).Scan(&dbNow).Error)
	now := time.Now()
	store := postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table})
	mark(t, store, []outbox.Mark{{ID: ids[0], PublishedAt: now.Add(-40 * time.Second)}, {ID: ids[1], PublishedAt: now}})
	rs := rows(t, db)
	require.NotNil(t, rs[ids[0]].ProcessedAt)
	require.NotNil(t, rs[ids[1]].ProcessedAt)
	assert.WithinDuration(t, dbNow.Add(-40*time.Second), *rs[ids[0]].ProcessedAt, 5*time.Second)
	assert.WithinDuration(t, dbNow, *rs[ids[1]].ProcessedAt, 5*time.Second)
}

// countingStore counts the marks and claims a relay makes on the real store.
type countingStore struct {
	outbox.Store
	mu     sync.Mutex
	marks  [][]uuid.UUID
	claims int
}

func (s *countingStore) MarkPublished(ctx context.Context, marks []outbox.Mark) ([]outbox.Mark, error) {
	ids := make([]uuid.UUID, len(marks))
	for i, m := range marks {
		ids[i] = m.ID
	}
	s.mu.Lock()
	s.marks = append(s.marks, ids)
	s.mu.Unlock()
	return s.Store.MarkPublished(ctx, marks)
}

func (s *countingStore) Claim(ctx context.Context, limit int, publish func(ctx context.Context, batch []outbox.Message) ([]uuid.UUID, error)) (int, error) {
	s.mu.Lock()
	s.claims++
	s.mu.Unlock()
	return s.Store.Claim(ctx, limit, publish)
}

func (s *countingStore) claimCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.claims
}

func (s *countingStore) markCalls() [][]uuid.UUID {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]uuid.UUID(nil), s.marks...)
}

// The fast path marks the rows it published together: a full batch at once,
// the rest once MarkDelay is over, and whatever waits at shutdown before Run
// returns. Until its mark a published row stays STARTED and leased, so no
// claim takes it.
func TestFastPathGathersItsMarks(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	store := &countingStore{Store: postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table})}
	pub := newRecorder()
	relay := outbox.NewRelay(store, pub, outbox.RelayConfig{BatchSize: 3, PollInterval: 50 * time.Millisecond,
		MarkDelay: time.Hour}, zaptest.NewLogger(t))
	stop := runRelay(t, relay)

	var ids []uuid.UUID
	for range 2 {
		ids = append(ids, writeAtCommit(t, db, relay, 1, nil)...)
	}
	require.Eventually(t, func() bool { return pub.count(ids[0]) == 1 && pub.count(ids[1]) == 1 }, 10*time.Second, time.Millisecond)
	// Three claims go by: the published rows are leased, so none takes them,
	// and they wait for their mark.
	claims := store.claimCalls()
	require.Eventually(t, func() bool { return store.claimCalls() >= claims+3 }, 10*time.Second, 5*time.Millisecond)
	assert.Empty(t, store.markCalls())
	for _, id := range ids {
		assert.Equal(t, "STARTED", rows(t, db)[id].OutboxStatus)
		assert.Equal(t, 1, pub.count(id), "published once: %s", id)
	}

	ids = append(ids, writeAtCommit(t, db, relay, 1, nil)...)
	require.Eventually(t, func() bool { return allCompleted(t, rows(t, db), uuid.Nil) }, 10*time.Second, time.Millisecond,
		"a full batch is marked at once")
	assert.Equal(t, [][]uuid.UUID{ids}, store.markCalls(), "three rows, one mark")

	last := writeAtCommit(t, db, relay, 1, nil)
	require.Eventually(t, func() bool { return pub.count(last[0]) == 1 }, 10*time.Second, time.Millisecond)
	stop()
	assert.Equal(t, "COMPLETED", rows(t, db)[last[0]].OutboxStatus, "marked at shutdown")
	assert.Len(t, store.markCalls(), 2)
}

func TestRelayMarksWithinMarkDelay(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	store := &countingStore{Store: postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table})}
	relay := outbox.NewRelay(store, newRecorder(), outbox.RelayConfig{PollInterval: time.Hour,
		MarkDelay: 20 * time.Millisecond}, zaptest.NewLogger(t))
	runRelay(t, relay)
	ids := writeAtCommit(t, db, relay, 1, nil)
	ids = append(ids, writeAtCommit(t, db, relay, 1, nil)...)
	require.Eventually(t, func() bool { return allCompleted(t, rows(t, db), uuid.Nil) }, 10*time.Second, time.Millisecond,
		"a partial batch is marked once MarkDelay is over, with no further row or poll")
	var marked []uuid.UUID
	for _, m := range store.markCalls() {
		marked = append(marked, m...)
	}
	assert.ElementsMatch(t, ids, marked)
}
