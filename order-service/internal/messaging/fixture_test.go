package messaging_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

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
	producer := kafkatest.Producer(t, cfg)
	return producer, topic, kafkatest.Collect(t, cfg, topic, producer)
}
