package dlq_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/retry"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
	"github.com/food-ordering-system/infrastructure/tools/dlq"
)

// A record the consumer parks is listed with its reason and origin, and a
// replay puts it back on its topic as it was, where a consumer handles it.
func TestListAndReplayADeadLetter(t *testing.T) {
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "dlq-tool")
	producer := kafkatest.Producer(t, cfg)

	// A consumer that cannot handle the first version of the record parks it.
	fixed := make(chan struct{})
	handled := make(chan *kafka.Received, 1)
	kafkatest.Consume(t, cfg, topic, producer, func(_ context.Context, m *kafka.Received) error {
		select {
		case <-fixed:
			handled <- m
			return nil
		default:
			return retry.Permanent(assert.AnError)
		}
	})
	ctx := context.Background()
	require.Equal(t, []error{nil}, producer.Send(ctx, []kafka.Message{{Topic: topic, Key: []byte("saga-1"), Value: []byte(`{"n":1}`),
		Headers: map[string]string{kafka.HeaderMessageID: "m-1"}}}))

	parked := awaitDeadLetter(t, cfg, topic)
	assert.Equal(t, "saga-1", parked.Key)
	assert.Equal(t, `{"n":1}`, parked.Value)
	assert.Equal(t, assert.AnError.Error(), parked.Reason())
	assert.Contains(t, parked.Origin(), topic+"/")
	assert.Equal(t, "m-1", parked.Headers[kafka.HeaderMessageID])
	topics, err := dlq.Topics(cfg)
	require.NoError(t, err)
	assert.Contains(t, topics, topic+kafka.DeadLetterSuffix)

	close(fixed) // the cause is fixed: replay
	chosen, err := dlq.Select([]dlq.DeadLetter{parked}, []string{parked.Ref()})
	require.NoError(t, err)
	require.NoError(t, dlq.Replay(ctx, producer, chosen))

	select {
	case m := <-handled:
		assert.Equal(t, "saga-1", string(m.Key))
		assert.Equal(t, `{"n":1}`, string(m.Value))
		assert.Equal(t, "m-1", m.Headers[kafka.HeaderMessageID], "the message id survives, so receivers see a duplicate as one")
		assert.Equal(t, parked.Ref(), m.Headers[dlq.HeaderReplayedFrom])
		assert.NotContains(t, m.Headers, kafka.HeaderDeadLetterReason)
	case <-time.After(30 * time.Second):
		t.Fatal("the replayed record was not handled")
	}

	_, err = dlq.Select([]dlq.DeadLetter{parked}, []string{topic + ".dlq/9/9"})
	assert.Error(t, err, "an unknown ref is refused")
	gotTopic, p, o, err := dlq.ParseRef(parked.Ref())
	require.NoError(t, err)
	assert.Equal(t, []any{parked.Topic, parked.Partition, parked.Offset}, []any{gotTopic, p, o})
}

// A record whose full dead letter the producer refused (too large with the
// dead-letter headers) is parked as a truncated copy: listed as truncated,
// and refused by Replay, which sends nothing.
func TestTruncatedDeadLetterIsListedAsSuchAndNotReplayed(t *testing.T) {
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "dlq-tool-truncated")
	producer := kafkatest.Producer(t, cfg)
	kafkatest.Consume(t, cfg, topic, producer,
		func(context.Context, *kafka.Received) error { return retry.Permanent(assert.AnError) })
	ctx := context.Background()

	// Just under the producer's limit (kafka.MaxRecordBytes) on its own;
	// over it with the dead-letter headers.
	huge := strings.Repeat("x", kafka.MaxRecordBytes-100)
	require.Equal(t, []error{nil}, producer.Send(ctx, []kafka.Message{{Topic: topic, Key: []byte("saga-1"), Value: []byte(huge),
		Headers: map[string]string{kafka.HeaderMessageID: "m-1"}}}))

	parked := awaitDeadLetter(t, cfg, topic)
	assert.True(t, parked.Truncated())
	assert.Equal(t, strconv.Itoa(len(huge)), parked.Headers[kafka.HeaderDeadLetterOriginalSize])
	assert.Equal(t, huge[:kafka.TruncatedValueBytes], parked.Value)
	assert.Equal(t, assert.AnError.Error(), parked.Reason())
	assert.Equal(t, "m-1", parked.Headers[kafka.HeaderMessageID])

	sender := &recordingSender{}
	err := dlq.Replay(ctx, sender, []dlq.DeadLetter{parked})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "truncated copy")
	assert.Contains(t, err.Error(), parked.Origin(), "the error says where the original is")
	assert.Empty(t, sender.sent, "nothing is replayed")
}

// recordingSender keeps what it is asked to send.
type recordingSender struct{ sent []kafka.Message }

func (s *recordingSender) Send(_ context.Context, msgs []kafka.Message) []error {
	s.sent = append(s.sent, msgs...)
	return make([]error, len(msgs))
}

// awaitDeadLetter waits until topic's dead-letter topic holds one record and
// returns it.
func awaitDeadLetter(t *testing.T, cfg kafka.Config, topic string) dlq.DeadLetter {
	t.Helper()
	var letters []dlq.DeadLetter
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var err error
		letters, err = dlq.List(context.Background(), cfg, []string{topic + kafka.DeadLetterSuffix})
		require.NoError(c, err)
		require.Len(c, letters, 1)
	}, 30*time.Second, 100*time.Millisecond, "one dead letter on %s", topic+kafka.DeadLetterSuffix)
	return letters[0]
}
