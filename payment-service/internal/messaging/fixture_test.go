package messaging_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/infrastructure/kafka"
)

func newProducer(t *testing.T, cfg kafka.Config) *kafka.Producer {
	t.Helper()
	p, err := kafka.NewProducer(cfg, zaptest.NewLogger(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// consume runs a consumer group of its own over topic with handler until the
// test ends.
func consume(t *testing.T, cfg kafka.Config, topic string, p *kafka.Producer, handler kafka.Handler) {
	t.Helper()
	c, err := kafka.NewConsumer(cfg, kafka.ConsumerConfig{GroupID: "test-" + uuid.NewString(), Topics: []string{topic},
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}, handler, p, zaptest.NewLogger(t))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	var once sync.Once
	t.Cleanup(func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				assert.NoError(t, err)
			case <-time.After(30 * time.Second):
				t.Error("consumer did not stop within 30s")
			}
		})
	})
}

// collect consumes topic and hands every record to the returned channel.
func collect(t *testing.T, cfg kafka.Config, topic string, p *kafka.Producer) <-chan *kafka.Received {
	t.Helper()
	got := make(chan *kafka.Received, 100)
	consume(t, cfg, topic, p, func(_ context.Context, m *kafka.Received) error {
		got <- m
		return nil
	})
	return got
}

func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatal("nothing received within 30s")
		var zero T
		return zero
	}
}

func send(t *testing.T, p *kafka.Producer, msgs ...kafka.Message) {
	t.Helper()
	for i, err := range p.Send(context.Background(), msgs) {
		require.NoError(t, err, "message %d", i)
	}
}
