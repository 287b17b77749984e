package messaging_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/infrastructure/kafka"
)

// newProducer returns a producer on the test broker, closed at the end.
func newProducer(t *testing.T, cfg kafka.Config) *kafka.Producer {
	t.Helper()
	p, err := kafka.NewProducer(cfg, zap.NewNop())
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// consume runs a consumer group of its own over topic with handler until the
// test ends.
func consume(t *testing.T, cfg kafka.Config, topic string, handler kafka.Handler) {
	t.Helper()
	consumer, err := kafka.NewConsumer(cfg, kafka.ConsumerConfig{
		GroupID: "test-" + uuid.NewString(), Topics: []string{topic},
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
	}, handler, newProducer(t, cfg), zaptest.NewLogger(t))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = consumer.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// collect returns a channel of every record of topic.
func collect(t *testing.T, cfg kafka.Config, topic string) <-chan *kafka.Received {
	t.Helper()
	records := make(chan *kafka.Received, 100)
	consume(t, cfg, topic, func(_ context.Context, msg *kafka.Received) error {
		records <- msg
		return nil
	})
	return records
}

// receive waits for the next value of ch.
func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatal("nothing arrived within 30s")
		panic("unreachable")
	}
}
