package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"
	"gorm.io/gorm"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/retry"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
)

// handled is a table with one row per handled record, keyed by the record's
// key: a record written twice would break the primary key.
func handledTable(t *testing.T) *gorm.DB {
	t.Helper()
	db, _ := pgtest.New(t, nil)
	pgtest.Exec(t, db, `CREATE TABLE handled (key text PRIMARY KEY, value text NOT NULL)`)
	return db
}

// recordingHandler writes each record's key to handled, inside the
// transaction of the context if there is one, as the services' handlers do.
// A repeated key is "already handled": nothing to do, as the services'
// unique indexes make a duplicate. A record valued "poison" cannot be
// handled.
func recordingHandler(db *gorm.DB) kafka.Handler {
	return func(ctx context.Context, m *kafka.Received) error {
		if string(m.Value) == "poison" {
			return retry.Permanent(errors.New("poison record"))
		}
		tx := postgres.NewTransactor(db)
		return tx.Transact(ctx, func(ctx context.Context) error {
			err := postgres.Conn(ctx, db).Exec(`INSERT INTO handled (key, value) VALUES (?, ?)`, string(m.Key), string(m.Value)).Error
			if postgres.IsUniqueViolation(err) {
				return nil
			}
			return err
		})
	}
}

// countingTransact counts the batches that reach the transaction.
func countingTransact(db *gorm.DB, batches *atomic.Int32) kafka.Transact {
	tx := postgres.NewTransactor(db)
	return func(ctx context.Context, fn func(context.Context) error) error {
		batches.Add(1)
		return tx.Transact(ctx, fn)
	}
}

func handledRows(t *testing.T, db *gorm.DB) map[string]string {
	t.Helper()
	var rows []struct{ Key, Value string }
	require.NoError(t, db.Raw(`SELECT key, value FROM handled`).Scan(&rows).Error)
	out := map[string]string{}
	for _, r := range rows {
		out[r.Key] = r.Value
	}
	return out
}

// Records that wait together are handled together: far fewer transactions
// than records, every record written once, all in partition order.
func TestBatchOfWaitingRecordsCommitsOnce(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "batch")
	p := kafkatest.Producer(t, cfg)
	db := handledTable(t)
	const n = 200
	msgs := make([]kafka.Message, n)
	for i := range msgs {
		msgs[i] = kafka.Message{Topic: topic, Key: []byte(fmt.Sprint("k", i)), Value: []byte(fmt.Sprint(i))}
	}
	kafkatest.Send(t, p, msgs...) // all waiting before the consumer starts

	var batches atomic.Int32
	runConsumer(t, cfg, consumerConfig("g-"+uuid.NewString(), topic), p, recordingHandler(db), zaptest.NewLogger(t),
		kafka.InTransaction(countingTransact(db, &batches)))

	require.Eventually(t, func() bool { return len(handledRows(t, db)) == n }, 30*time.Second, 20*time.Millisecond)
	assert.Less(t, int(batches.Load()), n/4, "records that were waiting share transactions")
}

// A poison record rolls its batch back; the batch is replayed one record at
// a time, so the poison record alone is dead-lettered and every other record
// is written exactly once. A duplicate in the batch (a unique violation,
// which aborts a PostgreSQL transaction) is handled the same way.
func TestBatchWithAFailingRecordIsReplayedOneByOne(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "batch-poison")
	p := kafkatest.Producer(t, cfg)
	db := handledTable(t)
	var msgs []kafka.Message
	for i := range 40 {
		value := fmt.Sprint(i)
		if i == 20 {
			value = "poison"
		}
		// Keys k0..k29, then k0..k9 again: duplicates inside the batch.
		msgs = append(msgs, kafka.Message{Topic: topic, Key: []byte(fmt.Sprint("k", i%30)), Value: []byte(value)})
	}
	kafkatest.Send(t, p, msgs...)

	dlq := make(chan *kafka.Received, 10)
	startConsumer(t, cfg, "dlq-"+uuid.NewString(), topic+kafka.DeadLetterSuffix, p, func(_ context.Context, m *kafka.Received) error {
		dlq <- m
		return nil
	})
	var batches atomic.Int32
	runConsumer(t, cfg, consumerConfig("g-"+uuid.NewString(), topic), p, recordingHandler(db), zaptest.NewLogger(t),
		kafka.InTransaction(countingTransact(db, &batches)))

	parked := kafkatest.Receive(t, dlq)
	assert.Equal(t, "poison", string(parked.Value))
	// Keys k0..k29, less the poison record's k20; records 30..39 repeat k0..k9.
	require.Eventually(t, func() bool { return len(handledRows(t, db)) == 29 }, 30*time.Second, 20*time.Millisecond)
	rows := handledRows(t, db)
	assert.Equal(t, "0", rows["k0"], "the first record of a key wins; the later duplicate changed nothing")
	assert.Equal(t, "19", rows["k19"])
	assert.Equal(t, "21", rows["k21"])
	_, poisonKeyWritten := rows["k20"]
	assert.False(t, poisonKeyWritten, "the poison record wrote nothing, and no later record has its key")
}

// Batches of different partitions that lock the same rows take them in one
// order, so none is rolled back by a deadlock. Each record locks the account
// it names until its batch commits, and the accounts come in a different
// order in each partition: in partition order, the partitions' batches lock
// them in a cycle at once.
func TestBatchesInLockOrderNeverDeadlock(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "batch-lock-order")
	p := kafkatest.Producer(t, cfg)
	db := handledTable(t)
	pgtest.Exec(t, db, `CREATE TABLE accounts (id text PRIMARY KEY, n int NOT NULL)`)
	pgtest.Exec(t, db, `INSERT INTO accounts VALUES ('a', 0), ('b', 0), ('c', 0), ('d', 0)`)
	var msgs []kafka.Message
	want := []int{0, 0, 0, 0}
	for i := range 120 {
		// Every partition gets every account, in an order of its own.
		account := (i + i/7) % 4
		want[account]++
		msgs = append(msgs, kafka.Message{Topic: topic, Key: []byte(fmt.Sprint("k", i)), Value: []byte{'a' + byte(account)}})
	}
	kafkatest.Send(t, p, msgs...) // all waiting, so that the partitions' batches run at once

	handler := func(ctx context.Context, m *kafka.Received) error {
		conn := postgres.Conn(ctx, db)
		// The lock is held for a moment, as a handler's further statements
		// would hold it, so that the partitions' batches overlap.
		if err := conn.Exec(`UPDATE accounts SET n = n + 1 WHERE id = ?`, string(m.Value)).Error; err != nil {
			return err
		}
		if err := conn.Exec(`SELECT pg_sleep(0.003)`).Error; err != nil {
			return err
		}
		return conn.Exec(`INSERT INTO handled (key, value) VALUES (?, ?)`, string(m.Key), string(m.Value)).Error
	}
	var batches, failed atomic.Int32
	tx := postgres.NewTransactor(db)
	transact := func(ctx context.Context, fn func(context.Context) error) error {
		batches.Add(1)
		err := tx.Transact(ctx, fn)
		if err != nil {
			failed.Add(1)
			t.Logf("batch rolled back: %v", err)
		}
		return err
	}
	runConsumer(t, cfg, consumerConfig("g-"+uuid.NewString(), topic), p, handler, zaptest.NewLogger(t),
		kafka.InTransaction(transact), kafka.InLockOrder(func(m *kafka.Received) string { return string(m.Value) }))

	require.Eventually(t, func() bool { return len(handledRows(t, db)) == len(msgs) }, 60*time.Second, 20*time.Millisecond)
	assert.Less(t, int(batches.Load()), len(msgs)/4, "the records were handled in batches")
	assert.Zero(t, failed.Load(), "no batch was rolled back")
	var counts []int
	require.NoError(t, db.Raw(`SELECT n FROM accounts ORDER BY id`).Scan(&counts).Error)
	assert.Equal(t, want, counts, "every record counted once")
}
