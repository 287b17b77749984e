package messaging_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
)

var createdAt = time.Date(2024, 5, 1, 10, 30, 0, 123456000, time.UTC)

func record(t *testing.T, v any) *kafka.Received {
	t.Helper()
	value, err := json.Marshal(v)
	require.NoError(t, err)
	return &kafka.Received{Topic: "payment-response", Value: value}
}

func newProducer(t *testing.T, cfg kafka.Config) *kafka.Producer {
	t.Helper()
	p, err := kafka.NewProducer(cfg, zap.NewNop())
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// consume runs a consumer of topic with handler until the test ends.
func consume(t *testing.T, cfg kafka.Config, topic string, producer *kafka.Producer, handler kafka.Handler) {
	t.Helper()
	c, err := kafka.NewConsumer(cfg, kafka.ConsumerConfig{GroupID: "test-" + uuid.NewString(), Topics: []string{topic}}, handler, producer, zap.NewNop())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// collect consumes topic and returns the channel its records arrive on.
func collect(t *testing.T, cfg kafka.Config, topic string, producer *kafka.Producer) <-chan *kafka.Received {
	out := make(chan *kafka.Received, 16)
	consume(t, cfg, topic, producer, func(_ context.Context, msg *kafka.Received) error {
		out <- msg
		return nil
	})
	return out
}

func receive(t *testing.T, ch <-chan *kafka.Received) *kafka.Received {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(60 * time.Second):
		t.Fatal("no record arrived")
		return nil
	}
}

func send(t *testing.T, producer *kafka.Producer, topic string, key uuid.UUID, v any) {
	t.Helper()
	value, err := json.Marshal(v)
	require.NoError(t, err)
	require.Equal(t, []error{nil}, producer.Send(context.Background(), []kafka.Message{{Topic: topic, Key: []byte(key.String()), Value: value}}))
}

// topicOnTheBroker returns a producer on the test broker, a topic of the
// test's own named after base, and the channel its records arrive on.
func topicOnTheBroker(t *testing.T, base string) (*kafka.Producer, string, <-chan *kafka.Received) {
	t.Helper()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, base)
	producer := newProducer(t, cfg)
	return producer, topic, collect(t, cfg, topic, producer)
}
