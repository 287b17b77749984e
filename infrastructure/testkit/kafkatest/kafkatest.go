// Package kafkatest gives integration tests the real local broker and topics
// of their own, so tests run in parallel without reading each other's records,
// and the producer, consumer and waits those tests share.
package kafkatest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/infrastructure/kafka"
)

// Config returns the broker settings for tests: 127.0.0.1:9092 unless
// FOS_TEST_KAFKA_BROKERS (comma separated) says otherwise. It skips the test
// under -short.
func Config(tb testing.TB) kafka.Config {
	tb.Helper()
	if testing.Short() {
		tb.Skip("integration test: needs Kafka (run without -short, e.g. make test)")
	}
	brokers := "127.0.0.1:9092"
	if v := os.Getenv("FOS_TEST_KAFKA_BROKERS"); v != "" {
		brokers = v
	}
	return kafka.Config{Brokers: strings.Split(brokers, ","), ClientID: "fos-test", Version: kafka.DefaultVersion}
}

// Topic creates a topic named after base with a unique suffix, and its
// dead-letter topic, and returns its name. Both are deleted when the test
// ends (after the test's own cleanups, which stop its consumers), so that
// test runs do not pile topics up on the broker.
func Topic(tb testing.TB, base string) string {
	tb.Helper()
	cfg := Config(tb)
	name := base + "-" + strings.ReplaceAll(uuid.NewString(), "-", "")[:12]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := kafka.EnsureTopics(ctx, cfg, []kafka.TopicSpec{{Name: name, Partitions: 3, ReplicationFactor: 1}}); err != nil {
		tb.Fatalf("kafkatest: %v (is Kafka running? infrastructure/tools/local/kafka.sh start)", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := kafka.DeleteTopics(ctx, cfg, name); err != nil {
			tb.Logf("kafkatest: %v", err)
		}
	})
	return name
}

// Producer returns a producer on the test broker, closed when the test ends.
func Producer(tb testing.TB, cfg kafka.Config) *kafka.Producer {
	tb.Helper()
	p, err := kafka.NewProducer(cfg, zaptest.NewLogger(tb))
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = p.Close() })
	return p
}

// Consume runs a consumer group of its own over topic with handler until the
// test ends, retrying a failed record quickly (20ms to 200ms) so that tests
// of retries do not wait long. producer takes its dead letters; nil gives it
// one of its own. The test fails if the consumer stops with an error or does
// not stop within 30s.
func Consume(tb testing.TB, cfg kafka.Config, topic string, producer *kafka.Producer, handler kafka.Handler) {
	tb.Helper()
	if producer == nil {
		producer = Producer(tb, cfg)
	}
	c, err := kafka.NewConsumer(cfg, kafka.ConsumerConfig{GroupID: "test-" + uuid.NewString(), Topics: []string{topic},
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}, handler, producer, zaptest.NewLogger(tb))
	require.NoError(tb, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	tb.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(tb, err)
		case <-time.After(30 * time.Second):
			tb.Error("consumer did not stop within 30s")
		}
	})
}

// Collect consumes topic (see Consume) and returns the channel its records
// arrive on.
func Collect(tb testing.TB, cfg kafka.Config, topic string, producer *kafka.Producer) <-chan *kafka.Received {
	tb.Helper()
	records := make(chan *kafka.Received, 100)
	Consume(tb, cfg, topic, producer, func(_ context.Context, msg *kafka.Received) error {
		records <- msg
		return nil
	})
	return records
}

// Receive waits for the next value of ch, failing the test after a minute.
func Receive[T any](tb testing.TB, ch <-chan T) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Minute):
		tb.Fatal("nothing arrived within a minute")
		panic("unreachable")
	}
}

// Send produces msgs and fails the test unless the broker took every one.
func Send(tb testing.TB, p *kafka.Producer, msgs ...kafka.Message) {
	tb.Helper()
	for i, err := range p.Send(context.Background(), msgs) {
		require.NoError(tb, err, "message %d", i)
	}
}
