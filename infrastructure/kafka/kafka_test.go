package kafka_test

import (
	"context"
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

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
)

// consumerConfig is a consumer of topic in group that retries quickly, so
// that tests of retries do not wait long.
func consumerConfig(group, topic string) kafka.ConsumerConfig {
	return kafka.ConsumerConfig{GroupID: group, Topics: []string{topic},
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
}

// startConsumer runs a consumer of topic in the background with
// consumerConfig and stops it when the test ends.
func startConsumer(t *testing.T, cfg kafka.Config, group, topic string, p *kafka.Producer, h kafka.Handler) (stop func()) {
	t.Helper()
	return runConsumer(t, cfg, consumerConfig(group, topic), p, h, zaptest.NewLogger(t))
}

// runConsumer runs a consumer in the background and stops it when the test
// ends, failing the test if it does not stop.
func runConsumer(t *testing.T, cfg kafka.Config, cc kafka.ConsumerConfig, p *kafka.Producer, h kafka.Handler, log *zap.Logger,
	opts ...kafka.ConsumerOption) (stop func()) {
	t.Helper()
	c, err := kafka.NewConsumer(cfg, cc, h, p, log, opts...)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				assert.NoError(t, err)
			case <-time.After(30 * time.Second):
				t.Error("consumer did not stop within 30s")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func TestProducedMessageReachesHandlerIntact(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "intact")
	p := kafkatest.Producer(t, cfg)
	got := make(chan *kafka.Received, 1)
	startConsumer(t, cfg, "g-"+uuid.NewString(), topic, p, func(_ context.Context, m *kafka.Received) error {
		got <- m
		return nil
	})

	key := uuid.NewString()
	kafkatest.Send(t, p, kafka.Message{Topic: topic, Key: []byte(key), Value: []byte(`{"price":200.00}`),
		Headers: map[string]string{"message-id": "m-1", "trace": "abc"}})

	m := kafkatest.Receive(t, got)
	assert.Equal(t, topic, m.Topic)
	assert.Equal(t, key, string(m.Key))
	assert.JSONEq(t, `{"price":200.00}`, string(m.Value))
	assert.Equal(t, map[string]string{"message-id": "m-1", "trace": "abc"}, m.Headers)
}

func TestSendReportsEachMessage(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "batch")
	p := kafkatest.Producer(t, cfg)
	errs := p.Send(context.Background(), []kafka.Message{
		{Topic: topic, Key: []byte("a"), Value: []byte("1")},
		{Topic: "no-such-topic-" + uuid.NewString(), Key: []byte("b"), Value: []byte("2")},
		{Topic: topic, Key: []byte("c"), Value: []byte("3")},
	})
	require.Len(t, errs, 3)
	assert.NoError(t, errs[0])
	assert.Error(t, errs[1], "a topic that does not exist is not auto-created")
	assert.NoError(t, errs[2])
}

func committedOffset(t *testing.T, cfg kafka.Config, group, topic string, partition int32) int64 {
	t.Helper()
	admin, err := sarama.NewClusterAdmin(cfg.Brokers, adminConfig())
	require.NoError(t, err)
	defer admin.Close()
	resp, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{topic: {partition}})
	require.NoError(t, err)
	block := resp.GetBlock(topic, partition)
	require.NotNil(t, block)
	return block.Offset
}

func adminConfig() *sarama.Config {
	c := sarama.NewConfig()
	c.Version = sarama.V4_0_0_0
	return c
}

// partitionOf returns the partition the producer's hash partitioner puts key
// on, for a topic of three partitions.
func partitionOf(t *testing.T, topic, key string) int32 {
	t.Helper()
	p, err := sarama.NewHashPartitioner(topic).Partition(&sarama.ProducerMessage{Key: sarama.StringEncoder(key)}, 3)
	require.NoError(t, err)
	return p
}

// keyOnAnotherPartition returns a key that the producer puts on another
// partition than key.
func keyOnAnotherPartition(t *testing.T, topic, key string) string {
	t.Helper()
	for i := 0; ; i++ {
		other := fmt.Sprintf("sentinel-%d", i)
		if partitionOf(t, topic, other) != partitionOf(t, topic, key) {
			return other
		}
	}
}

func TestTransientErrorIsRetriedAndOffsetNotCommittedMeanwhile(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "transient")
	group := "g-" + uuid.NewString()
	p := kafkatest.Producer(t, cfg)
	sentinelKey := keyOnAnotherPartition(t, topic, "k")

	var attempts atomic.Int32
	failing := atomic.Bool{}
	failing.Store(true)
	handled := make(chan *kafka.Received, 1)
	sentinel := make(chan *kafka.Received, 1)
	stop := startConsumer(t, cfg, group, topic, p, func(_ context.Context, m *kafka.Received) error {
		if string(m.Key) == sentinelKey {
			sentinel <- m
			return nil
		}
		attempts.Add(1)
		if failing.Load() {
			return kernel.Errorf(kernel.ECodeUnavailable, "database is down")
		}
		handled <- m
		return nil
	})
	kafkatest.Send(t, p, kafka.Message{Topic: topic, Key: []byte("k"), Value: []byte("v")})

	require.Eventually(t, func() bool { return attempts.Load() >= 4 }, 30*time.Second, 10*time.Millisecond,
		"the failing message is retried")
	// A record on another partition, handled while the first one fails: once
	// its offset is committed, auto-commit has run with the failing record
	// unhandled, and would have committed it had it been marked.
	kafkatest.Send(t, p, kafka.Message{Topic: topic, Key: []byte(sentinelKey), Value: []byte("sentinel")})
	s := kafkatest.Receive(t, sentinel)
	require.Eventually(t, func() bool { return committedOffset(t, cfg, group, topic, s.Partition) == s.Offset+1 },
		30*time.Second, 50*time.Millisecond, "the sentinel's offset is committed")
	select {
	case <-handled:
		t.Fatal("handler succeeded while failing")
	default:
	}
	assert.Equal(t, int64(-1), committedOffset(t, cfg, group, topic, partitionOf(t, topic, "k")),
		"nothing is committed on the failing record's partition while the handler fails")

	failing.Store(false)
	m := kafkatest.Receive(t, handled)
	stop() // shutdown commits what was handled
	assert.Equal(t, m.Offset+1, committedOffset(t, cfg, group, topic, m.Partition))
}

func TestPoisonMessageGoesToDeadLetterTopicAndNextIsHandled(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "poison")
	p := kafkatest.Producer(t, cfg)

	type order struct {
		ID string `json:"id"`
	}
	handled := make(chan string, 10)
	startConsumer(t, cfg, "g-"+uuid.NewString(), topic, p, func(_ context.Context, m *kafka.Received) error {
		o, err := kafka.DecodeJSON[order](m)
		if err != nil {
			return err
		}
		handled <- o.ID
		return nil
	})
	dead := make(chan *kafka.Received, 10)
	startConsumer(t, cfg, "g-"+uuid.NewString(), topic+kafka.DeadLetterSuffix, p, func(_ context.Context, m *kafka.Received) error {
		dead <- m
		return nil
	})

	// One key, so both records are on one partition and the second waits for the first.
	kafkatest.Send(t, p,
		kafka.Message{Topic: topic, Key: []byte("saga-1"), Value: []byte(`{not json`), Headers: map[string]string{"message-id": "bad"}},
		kafka.Message{Topic: topic, Key: []byte("saga-1"), Value: []byte(`{"id":"good"}`)},
	)

	select {
	case id := <-handled:
		assert.Equal(t, "good", id)
	case <-time.After(30 * time.Second):
		t.Fatal("the message after the poison one was not handled")
	}
	d := kafkatest.Receive(t, dead)
	assert.Equal(t, `{not json`, string(d.Value))
	assert.Equal(t, "saga-1", string(d.Key))
	assert.Equal(t, "bad", d.Headers["message-id"])
	assert.Equal(t, topic, d.Headers[kafka.HeaderDeadLetterTopic])
	assert.Contains(t, d.Headers[kafka.HeaderDeadLetterReason], "decode")
	assert.Equal(t, "0", d.Headers[kafka.HeaderDeadLetterOffset], "the poison record was the partition's first")
}

func TestPingAnswersOnlyWhileABrokerAnswers(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	assert.NoError(t, kafka.Ping(cfg)(ctx))
	down := cfg
	down.Brokers = []string{"127.0.0.1:1"}
	assert.Error(t, kafka.Ping(down)(ctx))
}
