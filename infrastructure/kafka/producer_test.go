package kafka_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
)

// fakeBroker starts sarama's in-process MockBroker, leading every partition
// of topics and answering produce requests with produce. The tests use it
// for what the shared real broker cannot be made to do: go away, or hang.
// stop closes it; calling it again does nothing.
func fakeBroker(t *testing.T, produce sarama.MockResponse, topics ...string) (mb *sarama.MockBroker, stop func()) {
	t.Helper()
	mb = sarama.NewMockBroker(t, 1)
	metadata := sarama.NewMockMetadataResponse(t).SetBroker(mb.Addr(), 1).SetController(1)
	for _, topic := range topics {
		for partition := range int32(3) {
			metadata.SetLeader(topic, partition, 1)
		}
	}
	mb.SetHandlerByMap(map[string]sarama.MockResponse{
		"ApiVersionsRequest": sarama.NewMockApiVersionsResponse(t).SetApiKeys([]sarama.ApiVersionsResponseKey{
			{ApiKey: 0, MinVersion: 3, MaxVersion: 9},  // Produce
			{ApiKey: 3, MinVersion: 0, MaxVersion: 12}, // Metadata
			{ApiKey: 18, MinVersion: 0, MaxVersion: 3}, // ApiVersions
			{ApiKey: 22, MinVersion: 0, MaxVersion: 4}, // InitProducerId
		}),
		"MetadataRequest":       metadata,
		"InitProducerIDRequest": sarama.NewMockInitProducerIDResponse(t).SetProducerID(7),
		"ProduceRequest":        produce,
	})
	var once sync.Once
	stop = func() { once.Do(mb.Close) }
	t.Cleanup(stop)
	return mb, stop
}

// hang listens on addr and accepts connections without ever answering: a
// broker process that is stuck.
func hang(t *testing.T, addr string) {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	var conns sync.WaitGroup
	t.Cleanup(func() {
		_ = l.Close()
		conns.Wait()
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Go(func() {
				defer c.Close()
				buf := make([]byte, 1<<16)
				for {
					if _, err := c.Read(buf); err != nil {
						return
					}
				}
			})
		}
	}()
}

func fakeBrokerConfig(addr string) kafka.Config {
	return kafka.Config{Brokers: []string{addr}, ClientID: "fos-test", Version: kafka.DefaultVersion}
}

func TestSendFailsFastWhenTheBrokerIsGone(t *testing.T) {
	t.Parallel()
	const topic = "gone"
	mb, stop := fakeBroker(t, sarama.NewMockProduceResponse(t), topic)
	addr := mb.Addr()
	p := kafkatest.Producer(t, fakeBrokerConfig(addr))
	msg := kafka.Message{Topic: topic, Key: []byte("k"), Value: []byte("v")}
	require.NoError(t, p.Send(context.Background(), []kafka.Message{msg})[0], "the broker is up")

	stop()
	for i := range 2 { // the connection breaks, then it cannot be opened again
		start := time.Now()
		err := p.Send(context.Background(), []kafka.Message{msg})[0]
		assert.Error(t, err, "send %d", i)
		assert.Less(t, time.Since(start), 5*time.Second, "send %d: a refused connection fails the send quickly", i)
	}
}

func TestSendReturnsWithinSendTimeoutWhenTheBrokerHangs(t *testing.T) {
	t.Parallel()
	const topic = "hung"
	mb, stop := fakeBroker(t, sarama.NewMockProduceResponse(t), topic)
	addr := mb.Addr()
	p := kafkatest.Producer(t, fakeBrokerConfig(addr))
	msg := kafka.Message{Topic: topic, Key: []byte("k"), Value: []byte("v")}
	require.NoError(t, p.Send(context.Background(), []kafka.Message{msg})[0], "the broker is up")
	stop()
	hang(t, addr)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	err := p.Send(ctx, []kafka.Message{msg})[0]
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 2*time.Second, "a cancelled send returns at once")

	start = time.Now()
	err = p.Send(context.Background(), []kafka.Message{msg})[0]
	elapsed := time.Since(start)
	require.Error(t, err)
	assert.LessOrEqual(t, elapsed, kafka.SendTimeout+time.Second, "the send gives up within SendTimeout: %v", err)
}

func TestNewProducerFailsFastOnAnUnreachableBroker(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	cfg.Brokers = []string{"127.0.0.1:1"}
	start := time.Now()
	_, err := kafka.NewProducer(cfg, zaptest.NewLogger(t))
	require.Error(t, err)
	assert.Less(t, time.Since(start), kafka.SendTimeout)
	assert.Contains(t, err.Error(), "127.0.0.1:1")
}

func TestSendWithACancelledContextSendsNothing(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "cancelled")
	p := kafkatest.Producer(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	start := time.Now()
	errs := p.Send(ctx, []kafka.Message{
		{Topic: topic, Key: []byte("a"), Value: []byte("1")},
		{Topic: topic, Key: []byte("b"), Value: []byte("2")},
	})
	assert.Less(t, time.Since(start), 100*time.Millisecond)
	require.Len(t, errs, 2)
	for _, err := range errs {
		assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	}

	// Once a record sent afterwards is in, the topic holds only that one: the
	// cancelled batch never left.
	kafkatest.Send(t, p, kafka.Message{Topic: topic, Key: []byte("c"), Value: []byte("3")})
	assert.Equal(t, int64(1), recordCount(t, cfg, topic))
}

// recordCount returns how many records the partitions of topic hold.
func recordCount(t *testing.T, cfg kafka.Config, topic string) int64 {
	t.Helper()
	client, err := sarama.NewClient(cfg.Brokers, adminConfig())
	require.NoError(t, err)
	defer client.Close()
	partitions, err := client.Partitions(topic)
	require.NoError(t, err)
	var n int64
	for _, partition := range partitions {
		newest, err := client.GetOffset(topic, partition, sarama.OffsetNewest)
		require.NoError(t, err)
		oldest, err := client.GetOffset(topic, partition, sarama.OffsetOldest)
		require.NoError(t, err)
		n += newest - oldest
	}
	return n
}

// An outbox row leased to its writer's relay must not be claimed by another
// relay while the writer may still be sending it: the lease outlasts the
// longest a Send can take.
func TestAnOutboxLeaseOutlastsTheLongestSend(t *testing.T) {
	assert.Less(t, kafka.SendTimeout, outbox.MinLease)
}
