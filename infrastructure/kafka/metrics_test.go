package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/retry"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
	"github.com/food-ordering-system/infrastructure/testkit/metricstest"
)

// measured returns a registry of the test's own and the Kafka series in it.
func measured() (*prometheus.Registry, *kafka.Metrics) {
	reg := prometheus.NewRegistry()
	return reg, kafka.NewMetrics(reg)
}

func value(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	return metricstest.Gather(t, reg).Value(name, labels)
}

// The lag is the partition's high water mark minus the next offset to
// handle: with three records waiting and the second one held in its handler,
// it is 2 once the first is handled, and 0 once all three are.
func TestConsumerLagFollowsTheRecordsHandled(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "lag")
	reg, m := measured()
	p, err := kafka.NewProducer(cfg, zaptest.NewLogger(t), kafka.WithProducerMetrics(m))
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	// One key: one partition, in this order, before the consumer starts.
	kafkatest.Send(t, p, kafka.Message{Topic: topic, Key: []byte("k"), Value: []byte("1")},
		kafka.Message{Topic: topic, Key: []byte("k"), Value: []byte("2")},
		kafka.Message{Topic: topic, Key: []byte("k"), Value: []byte("3")})
	assert.Equal(t, 3.0, value(t, reg, "fos_kafka_published_total", map[string]string{"topic": topic}))

	release := make(chan struct{})
	runConsumer(t, cfg, consumerConfig("g-"+uuid.NewString(), topic), p, func(ctx context.Context, msg *kafka.Received) error {
		if string(msg.Value) == "2" {
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	}, zaptest.NewLogger(t), kafka.WithConsumerMetrics(m))

	lag := map[string]string{"topic": topic}
	require.Eventually(t, func() bool {
		return metricstest.Gather(t, reg).Has("fos_kafka_consumer_lag", lag)
	}, 30*time.Second, 20*time.Millisecond, "the first record is handled")
	samples := metricstest.Gather(t, reg)
	assert.Equal(t, 2.0, samples.Value("fos_kafka_consumer_lag", lag), "two records behind the first: %v", samples.Series("fos_kafka_consumer_lag"))
	assert.Len(t, samples.Series("fos_kafka_consumer_lag"), 1, "one partition has records")
	assert.Equal(t, 1.0, samples.Value("fos_kafka_consumed_total", map[string]string{"topic": topic, "outcome": kafka.OutcomeHandled}))

	close(release)
	require.Eventually(t, func() bool {
		s := metricstest.Gather(t, reg)
		return s.Value("fos_kafka_consumed_total", map[string]string{"topic": topic, "outcome": kafka.OutcomeHandled}) == 3
	}, 30*time.Second, 20*time.Millisecond, "all three records are handled")
	assert.Equal(t, 0.0, value(t, reg, "fos_kafka_consumer_lag", lag))
}

// Each record counts once, by its outcome, and each failed handler call
// that is tried again counts as a retry.
func TestConsumerCountsOutcomesAndRetries(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "outcomes")
	reg, m := measured()
	p := kafkatest.Producer(t, cfg)
	var flaky atomic.Int32
	runConsumer(t, cfg, consumerConfig("g-"+uuid.NewString(), topic), p, func(_ context.Context, msg *kafka.Received) error {
		switch string(msg.Value) {
		case "poison":
			return retry.Permanent(errors.New("poison record"))
		case "flaky":
			if flaky.Add(1) <= 2 {
				return errors.New("not yet")
			}
		}
		return nil
	}, zaptest.NewLogger(t), kafka.WithConsumerMetrics(m))

	kafkatest.Send(t, p, kafka.Message{Topic: topic, Key: []byte("k"), Value: []byte("poison")},
		kafka.Message{Topic: topic, Key: []byte("k"), Value: []byte("flaky")},
		kafka.Message{Topic: topic, Key: []byte("k"), Value: []byte("ok")})

	handled := map[string]string{"topic": topic, "outcome": kafka.OutcomeHandled}
	require.Eventually(t, func() bool { return value(t, reg, "fos_kafka_consumed_total", handled) == 2 },
		30*time.Second, 20*time.Millisecond, "flaky and ok are handled")
	assert.Equal(t, 1.0, value(t, reg, "fos_kafka_consumed_total", map[string]string{"topic": topic, "outcome": kafka.OutcomeDeadLettered}))
	assert.Equal(t, 2.0, value(t, reg, "fos_kafka_handler_retries_total", map[string]string{"topic": topic}))
	assert.Equal(t, 0.0, value(t, reg, "fos_kafka_consumer_lag", map[string]string{"topic": topic}))
}

// A batch that is rolled back counts nothing; its records count once each
// when they are replayed one by one.
func TestBatchRecordsCountOnceWhenTheBatchIsReplayed(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "batch-metrics")
	reg, m := measured()
	p := kafkatest.Producer(t, cfg)
	db := handledTable(t)
	const n = 50
	msgs := make([]kafka.Message, n)
	for i := range msgs {
		msgs[i] = kafka.Message{Topic: topic, Key: []byte(fmt.Sprint("k", i)), Value: []byte(fmt.Sprint(i))}
	}
	msgs[n/2].Value = []byte("poison")
	kafkatest.Send(t, p, msgs...) // all waiting, so that they come in batches

	var batches atomic.Int32
	runConsumer(t, cfg, consumerConfig("g-"+uuid.NewString(), topic), p, recordingHandler(db), zaptest.NewLogger(t),
		kafka.InTransaction(countingTransact(db, &batches)), kafka.WithConsumerMetrics(m))

	dead := map[string]string{"topic": topic, "outcome": kafka.OutcomeDeadLettered}
	handled := map[string]string{"topic": topic, "outcome": kafka.OutcomeHandled}
	require.Eventually(t, func() bool {
		s := metricstest.Gather(t, reg)
		return s.Value("fos_kafka_consumed_total", handled)+s.Value("fos_kafka_consumed_total", dead) == n
	}, 30*time.Second, 20*time.Millisecond, "every record is done with")
	assert.Equal(t, 1.0, value(t, reg, "fos_kafka_consumed_total", dead))
	assert.Equal(t, float64(n-1), value(t, reg, "fos_kafka_consumed_total", handled))
	assert.Len(t, handledRows(t, db), n-1)
}

// The producer counts each record by topic: acknowledged, or not.
func TestProducerCountsPublishedAndFailedRecords(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "produced")
	missing := "no-such-topic-" + uuid.NewString()
	reg, m := measured()
	p, err := kafka.NewProducer(cfg, zaptest.NewLogger(t), kafka.WithProducerMetrics(m))
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })

	errs := p.Send(context.Background(), []kafka.Message{
		{Topic: topic, Key: []byte("a"), Value: []byte("1")},
		{Topic: missing, Key: []byte("b"), Value: []byte("2")},
		{Topic: topic, Key: []byte("c"), Value: []byte("3")},
	})

	require.Len(t, errs, 3)
	require.Error(t, errs[1])
	samples := metricstest.Gather(t, reg)
	assert.Equal(t, 2.0, samples.Value("fos_kafka_published_total", map[string]string{"topic": topic}))
	assert.Equal(t, 0.0, samples.Value("fos_kafka_publish_errors_total", map[string]string{"topic": topic}))
	assert.Equal(t, 1.0, samples.Value("fos_kafka_publish_errors_total", map[string]string{"topic": missing}))
	assert.Equal(t, 0.0, samples.Value("fos_kafka_published_total", map[string]string{"topic": missing}))
}
