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
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	"gorm.io/gorm"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/kafka/kafkatest"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/postgres/pgtest"
)

const table = "test_outbox"

// newOutbox returns a throwaway schema with an outbox table shaped like the
// services' ones, including the NOTIFY trigger.
func newOutbox(t testing.TB) (*gorm.DB, postgres.Config) {
	t.Helper()
	db, cfg := pgtest.New(t, nil)
	pgtest.Exec(t, db, `CREATE TABLE test_outbox (
		id uuid PRIMARY KEY,
		saga_id uuid NOT NULL,
		created_at timestamptz NOT NULL,
		processed_at timestamptz,
		type text NOT NULL,
		payload jsonb NOT NULL,
		outbox_status text NOT NULL,
		version int NOT NULL DEFAULT 0,
		attempts int NOT NULL DEFAULT 0,
		last_error text,
		trace_parent text)`)
	pgtest.Exec(t, db, `CREATE TABLE test_outbox_archive (LIKE test_outbox)`)
	pgtest.Exec(t, db, `CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN PERFORM pg_notify(TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, ''); RETURN NULL; END $$`)
	pgtest.Exec(t, db, `CREATE TRIGGER test_outbox_notify AFTER INSERT ON test_outbox
		FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`)
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

func TestRelayPublishesCommittedRowsOnlyAndMarksThemCompleted(t *testing.T) {
	t.Parallel()
	db, cfg := newOutbox(t)
	pub := newRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wake := postgres.Listen(ctx, cfg, postgres.OutboxChannel(cfg.Schema, table), zap.NewNop())
	<-wake // the listener signals once it is connected
	// An hour-long poll: only NOTIFY can make this relay publish in time.
	relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}), pub, wake,
		outbox.RelayConfig{PollInterval: time.Hour}, zaptest.NewLogger(t))
	runRelay(t, relay)

	tx := postgres.NewTransactor(db)
	rolledBack := uuid.New()
	err := tx.Transact(ctx, func(ctx context.Context) error {
		require.NoError(t, postgres.Conn(ctx, db).Table(table).Create(map[string]any{"id": rolledBack, "saga_id": uuid.New(),
			"created_at": time.Now(), "type": "t", "payload": `{}`, "outbox_status": "STARTED"}).Error)
		return errors.New("the use case failed")
	})
	require.Error(t, err)
	committed := insertRows(t, db, 3)

	// The publisher sees a row before the relay commits its COMPLETED mark:
	// wait for the database, then check what was published.
	require.Eventually(t, func() bool {
		rs := rows(t, db)
		for _, id := range committed {
			if rs[id].OutboxStatus != "COMPLETED" {
				return false
			}
		}
		return true
	}, 10*time.Second, 10*time.Millisecond, "NOTIFY wakes the relay for committed rows")
	for _, id := range committed {
		assert.Equal(t, 1, pub.count(id), "published once: %s", id)
	}
	for id, r := range rows(t, db) {
		assert.Equal(t, "COMPLETED", r.OutboxStatus, id)
		require.NotNil(t, r.ProcessedAt, id)
		assert.WithinDuration(t, time.Now(), *r.ProcessedAt, time.Minute)
	}
	assert.Len(t, rows(t, db), 3)
	assert.Zero(t, pub.count(rolledBack), "a rolled-back row is never published")
}

func TestRelayKeepsRowsStartedWhilePublishingFailsAndRecovers(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	pub := newRecorder()
	pub.fail.Store(true)
	relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}), pub, nil,
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
	require.Eventually(t, func() bool {
		for _, r := range rows(t, db) {
			if r.OutboxStatus != "COMPLETED" {
				return false
			}
		}
		return true
	}, 10*time.Second, 10*time.Millisecond)
	for _, id := range ids {
		assert.Equal(t, 1, pub.count(id), "published once after recovery")
	}
}

func TestTwoRelaysPublishEachRowExactlyOnce(t *testing.T) {
	t.Parallel()
	db, _ := newOutbox(t)
	kcfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "relay-once")
	producer, err := kafka.NewProducer(kcfg, zap.NewNop())
	require.NoError(t, err)
	defer producer.Close()

	const n = 1000
	ids := insertRows(t, db, n)
	for i := range 2 {
		relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}),
			kafkaPublisher(producer, topic), nil,
			outbox.RelayConfig{Name: fmt.Sprint("relay-", i), BatchSize: 50, PollInterval: 10 * time.Millisecond},
			zaptest.NewLogger(t))
		runRelay(t, relay)
	}

	// Count every record on the topic by message id.
	var mu sync.Mutex
	seen := map[string]int{}
	var total atomic.Int32
	consumer, err := kafka.NewConsumer(kcfg, kafka.ConsumerConfig{GroupID: "g-" + uuid.NewString(), Topics: []string{topic}},
		func(_ context.Context, m *kafka.Received) error {
			mu.Lock()
			seen[m.Headers["message-id"]]++
			mu.Unlock()
			total.Add(1)
			return nil
		}, producer, zap.NewNop())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = consumer.Run(ctx) }()
	defer func() { cancel(); <-done }()

	// Once every row is COMPLETED no relay publishes any more, so the
	// topic's end offsets count every record the relays ever sent: exactly
	// n when no row went out twice.
	require.Eventually(t, func() bool {
		for _, r := range rows(t, db) {
			if r.OutboxStatus != "COMPLETED" {
				return false
			}
		}
		return true
	}, 60*time.Second, 10*time.Millisecond, "every row is marked once its batch commits")
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
