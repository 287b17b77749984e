package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/retry"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
)

// observedLogger logs to the test and keeps every entry for assertions.
func observedLogger(t *testing.T) (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.DebugLevel)
	return zap.New(zapcore.NewTee(zaptest.NewLogger(t).Core(), core)), logs
}

// calls counts a handler's attempts per message id and keeps the ids it
// handled, in order.
type calls struct {
	mu       sync.Mutex
	attempts map[string]int
	handled  []string
}

func (c *calls) attempt(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.attempts == nil {
		c.attempts = map[string]int{}
	}
	c.attempts[id]++
}

func (c *calls) done(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.handled = append(c.handled, id)
}

func (c *calls) snapshot() (map[string]int, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	attempts := make(map[string]int, len(c.attempts))
	for k, v := range c.attempts {
		attempts[k] = v
	}
	return attempts, append([]string(nil), c.handled...)
}

// failWith makes the handler fail as a real adapter would, by the record's
// value: PostgreSQL data errors produced by the real database, a panic, an
// uncoded error that never goes away.
func failWith(ctx context.Context, db *gorm.DB, value string) error {
	switch value {
	case "numeric-overflow":
		var price string
		err := db.WithContext(ctx).Raw(`SELECT 1e20::numeric(12,2)`).Scan(&price).Error
		return postgres.WrapError(err, "save price")
	case "nul-in-jsonb":
		var payload string
		err := db.WithContext(ctx).Raw(`SELECT '"a\u0000b"'::jsonb`).Scan(&payload).Error
		return postgres.WrapError(err, "save payload")
	case "panic":
		panic("handler bug")
	case "uncoded":
		return errors.New("this never goes away")
	}
	return nil
}

func TestPoisonRecordsAreDeadLetteredAndThePartitionMovesOn(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	db, _ := pgtest.New(t, nil)
	topic := kafkatest.Topic(t, "poison-kinds")
	group := "g-" + uuid.NewString()
	p := kafkatest.Producer(t, cfg)
	log, logs := observedLogger(t)
	const maxAttempts = 3

	var c calls
	cc := consumerConfig(group, topic)
	cc.MaxAttempts = maxAttempts
	stop := runConsumer(t, cfg, cc, p, func(ctx context.Context, m *kafka.Received) error {
		id := m.Headers[kafka.HeaderMessageID]
		c.attempt(id)
		if err := failWith(ctx, db, string(m.Value)); err != nil {
			return err
		}
		c.done(id)
		return nil
	}, log)
	dead := make(chan *kafka.Received, 10)
	startConsumer(t, cfg, "g-"+uuid.NewString(), topic+kafka.DeadLetterSuffix, p, func(_ context.Context, m *kafka.Received) error {
		dead <- m
		return nil
	})

	// One key: every record is on one partition, each waits for the one before.
	values := []string{"numeric-overflow", "good-1", "nul-in-jsonb", "good-2", "panic", "good-3", "uncoded", "good-4"}
	msgs := make([]kafka.Message, len(values))
	for i, v := range values {
		msgs[i] = kafka.Message{Topic: topic, Key: []byte("saga-1"), Value: []byte(v),
			Headers: map[string]string{kafka.HeaderMessageID: v}}
	}
	kafkatest.Send(t, p, msgs...)
	partition := strconv.Itoa(int(partitionOf(t, topic, "saga-1")))

	wantDead := []struct {
		value, offset, reason string
	}{
		{"numeric-overflow", "0", "save price: ERROR: numeric field overflow (SQLSTATE 22003)"},
		{"nul-in-jsonb", "2", "save payload: ERROR: unsupported Unicode escape sequence (SQLSTATE 22P05)"},
		{"panic", "4", "panic: handler bug"},
		{"uncoded", "6", "gave up after 3 attempts: this never goes away"},
	}
	for _, want := range wantDead {
		d := kafkatest.Receive(t, dead)
		assert.Equal(t, want.value, string(d.Value))
		assert.Equal(t, "saga-1", string(d.Key))
		assert.Equal(t, want.value, d.Headers[kafka.HeaderMessageID], "the original headers are kept")
		assert.Equal(t, want.reason, d.Headers[kafka.HeaderDeadLetterReason])
		assert.Equal(t, topic, d.Headers[kafka.HeaderDeadLetterTopic])
		assert.Equal(t, partition, d.Headers[kafka.HeaderDeadLetterPartition])
		assert.Equal(t, want.offset, d.Headers[kafka.HeaderDeadLetterOffset])
	}
	require.Eventually(t, func() bool {
		_, handled := c.snapshot()
		return len(handled) == 4
	}, 30*time.Second, 10*time.Millisecond, "the good records are handled")

	attempts, handled := c.snapshot()
	assert.Equal(t, []string{"good-1", "good-2", "good-3", "good-4"}, handled, "in order, each after the poison one before it")
	assert.Equal(t, map[string]int{
		"numeric-overflow": 1, "nul-in-jsonb": 1, "panic": 1, // dead-lettered at once
		"uncoded": maxAttempts,
		"good-1":  1, "good-2": 1, "good-3": 1, "good-4": 1,
	}, attempts)

	stop()
	assert.Equal(t, int64(len(values)), committedOffset(t, cfg, group, topic, partitionOf(t, topic, "saga-1")),
		"the dead-lettered records are marked with the rest")

	parked := logs.FilterMessage("record parked on the dead-letter topic").All()
	require.Len(t, parked, len(wantDead))
	for i, entry := range parked {
		assert.Equal(t, zapcore.ErrorLevel, entry.Level)
		fields := entry.ContextMap()
		assert.Equal(t, topic, fields["topic"])
		assert.EqualValues(t, partitionOf(t, topic, "saga-1"), fields["partition"])
		assert.Equal(t, wantDead[i].offset, fmt.Sprint(fields["offset"]))
		assert.Equal(t, wantDead[i].value, fields["message_id"])
		assert.Equal(t, wantDead[i].reason, fields["reason"])
		assert.EqualValues(t, i+1, fields["dead_letters_total"])
	}
	panics := logs.FilterMessage("handler panicked").All()
	require.Len(t, panics, 1)
	assert.Equal(t, zapcore.ErrorLevel, panics[0].Level)
	assert.Contains(t, panics[0].ContextMap()["stack"], "failWith", "the stack shows where the handler panicked")
}

func TestTransientErrorIsRetriedPastMaxAttemptsAndNeverDeadLettered(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "transient-cap")
	p := kafkatest.Producer(t, cfg)

	var c calls
	cc := consumerConfig("g-"+uuid.NewString(), topic)
	cc.MaxAttempts = 2
	runConsumer(t, cfg, cc, p, func(_ context.Context, m *kafka.Received) error {
		id := m.Headers[kafka.HeaderMessageID]
		c.attempt(id)
		if attempts, _ := c.snapshot(); id == "flaky" && attempts[id] <= 3 {
			return fmt.Errorf("debit credit: %w", kernel.Errorf(kernel.ECodeUnavailable, "database unavailable"))
		}
		c.done(id)
		return nil
	}, zaptest.NewLogger(t))

	kafkatest.Send(t, p,
		kafka.Message{Topic: topic, Key: []byte("saga-1"), Value: []byte("1"), Headers: map[string]string{kafka.HeaderMessageID: "flaky"}},
		kafka.Message{Topic: topic, Key: []byte("saga-1"), Value: []byte("2"), Headers: map[string]string{kafka.HeaderMessageID: "sentinel"}},
	)
	require.Eventually(t, func() bool {
		_, handled := c.snapshot()
		return len(handled) == 2
	}, 30*time.Second, 10*time.Millisecond)

	attempts, handled := c.snapshot()
	assert.Equal(t, []string{"flaky", "sentinel"}, handled)
	assert.Equal(t, 4, attempts["flaky"], "three transient failures, then handled")
	// The sentinel was handled after the flaky record was done with, so a
	// dead letter of it would be on the broker by now.
	assert.Zero(t, recordCount(t, cfg, topic+kafka.DeadLetterSuffix), "nothing is dead-lettered")
}

func TestDeadLetterPublishIsRetriedUntilTheBrokerTakesIt(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "dlq-down")
	p := kafkatest.Producer(t, cfg)

	// The dead-letter producer talks to a broker that refuses the first
	// produce requests, as one does while its replicas are down.
	refused := sarama.NewMockProduceResponse(t)
	for partition := range int32(3) {
		refused.SetError(topic+kafka.DeadLetterSuffix, partition, sarama.ErrNotEnoughReplicas)
	}
	const refusals = 5
	seq := make([]any, 0, refusals+1)
	for range refusals {
		seq = append(seq, refused)
	}
	seq = append(seq, sarama.NewMockProduceResponse(t))
	mb, _ := fakeBroker(t, sarama.NewMockSequence(seq...), topic+kafka.DeadLetterSuffix)
	addr := mb.Addr()
	produceRequests := func() int32 {
		var n int32
		for _, rr := range mb.History() {
			if _, ok := rr.Request.(*sarama.ProduceRequest); ok {
				n++
			}
		}
		return n
	}
	dlqProducer := kafkatest.Producer(t, fakeBrokerConfig(addr))

	var c calls
	var requestsWhenSentinelHandled atomic.Int32
	runConsumer(t, cfg, consumerConfig("g-"+uuid.NewString(), topic), dlqProducer, func(_ context.Context, m *kafka.Received) error {
		id := m.Headers[kafka.HeaderMessageID]
		c.attempt(id)
		if id == "poison" {
			return retry.Permanent(errors.New("cannot decode"))
		}
		requestsWhenSentinelHandled.Store(produceRequests())
		c.done(id)
		return nil
	}, zaptest.NewLogger(t))

	kafkatest.Send(t, p,
		kafka.Message{Topic: topic, Key: []byte("saga-1"), Value: []byte("1"), Headers: map[string]string{kafka.HeaderMessageID: "poison"}},
		kafka.Message{Topic: topic, Key: []byte("saga-1"), Value: []byte("2"), Headers: map[string]string{kafka.HeaderMessageID: "sentinel"}},
	)
	require.Eventually(t, func() bool {
		_, handled := c.snapshot()
		return len(handled) == 1
	}, 60*time.Second, 10*time.Millisecond)

	attempts, handled := c.snapshot()
	assert.Equal(t, []string{"sentinel"}, handled)
	assert.Equal(t, 1, attempts["poison"], "the handler is not run again while its dead letter is retried")
	assert.Greater(t, requestsWhenSentinelHandled.Load(), int32(refusals),
		"the partition moved on only after the dead-letter topic took the record")
}

// A conflict is retried as a race, but one that comes back on every try (a
// unique index the record always breaks, reported as a conflict) counts
// toward max_attempts and is then parked, instead of holding its partition
// for ever.
func TestConflictThatNeverGoesAwayIsDeadLetteredAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	db, _ := pgtest.New(t, nil)
	pgtest.Exec(t, db, `CREATE TABLE taken (id text PRIMARY KEY)`)
	pgtest.Exec(t, db, `INSERT INTO taken VALUES ('conflict')`)
	topic := kafkatest.Topic(t, "conflict-cap")
	p := kafkatest.Producer(t, cfg)
	const maxAttempts = 3

	var c calls
	cc := consumerConfig("g-"+uuid.NewString(), topic)
	cc.MaxAttempts = maxAttempts
	runConsumer(t, cfg, cc, p, func(ctx context.Context, m *kafka.Received) error {
		id := m.Headers[kafka.HeaderMessageID]
		c.attempt(id)
		if err := db.WithContext(ctx).Exec(`INSERT INTO taken VALUES (?)`, id).Error; err != nil {
			return postgres.WrapError(err, "insert "+id)
		}
		c.done(id)
		return nil
	}, zaptest.NewLogger(t))
	dead := make(chan *kafka.Received, 10)
	startConsumer(t, cfg, "g-"+uuid.NewString(), topic+kafka.DeadLetterSuffix, p, func(_ context.Context, m *kafka.Received) error {
		dead <- m
		return nil
	})

	kafkatest.Send(t, p,
		kafka.Message{Topic: topic, Key: []byte("saga-1"), Value: []byte("1"), Headers: map[string]string{kafka.HeaderMessageID: "conflict"}},
		kafka.Message{Topic: topic, Key: []byte("saga-1"), Value: []byte("2"), Headers: map[string]string{kafka.HeaderMessageID: "sentinel"}},
	)

	d := kafkatest.Receive(t, dead)
	assert.Equal(t, "conflict", d.Headers[kafka.HeaderMessageID])
	assert.Contains(t, d.Headers[kafka.HeaderDeadLetterReason], "gave up after 3 attempts: insert conflict: conflicts with a concurrent change")
	require.Eventually(t, func() bool {
		_, handled := c.snapshot()
		return len(handled) == 1
	}, 30*time.Second, 10*time.Millisecond, "the partition moves on")
	attempts, handled := c.snapshot()
	assert.Equal(t, []string{"sentinel"}, handled)
	assert.Equal(t, maxAttempts, attempts["conflict"])
}
