package kafka_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zapcore"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/retry"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
)

// nearTheSizeLimit returns a value that makes a record with key and headers
// a few bytes smaller than the producer's limit (kafka.MaxRecordBytes), as
// sarama counts it.
func nearTheSizeLimit(t *testing.T, key string, headers map[string]string) []byte {
	t.Helper()
	const limit, margin = kafka.MaxRecordBytes, 8
	record := &sarama.ProducerMessage{Key: sarama.StringEncoder(key), Value: sarama.ByteEncoder(nil)}
	for k, v := range headers {
		record.Headers = append(record.Headers, sarama.RecordHeader{Key: []byte(k), Value: []byte(v)})
	}
	value := bytes.Repeat([]byte("0123456789abcdef"), (limit-margin-record.ByteSize(2))/16+1)
	value = value[:limit-margin-record.ByteSize(2)]
	record.Value = sarama.ByteEncoder(value)
	require.Equal(t, limit-margin, record.ByteSize(2))
	return value
}

// A record just under the producer's size limit is fine on its topic; its
// dead letter, with the dead-letter headers added, is not, and sarama
// refuses it before it leaves. Retrying that refusal would hold the
// partition for ever: a truncated copy is parked instead, and the partition
// moves on.
func TestDeadLetterTooLargeForTheBrokerIsParkedTruncated(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "dlq-too-large")
	reg, m := measured()
	p := kafkatest.Producer(t, cfg)
	log, logs := observedLogger(t)

	var c calls
	runConsumer(t, cfg, consumerConfig("g-"+uuid.NewString(), topic), p, func(_ context.Context, msg *kafka.Received) error {
		id := msg.Headers[kafka.HeaderMessageID]
		c.attempt(id)
		if id == "huge" {
			return retry.Permanent(errors.New("cannot decode"))
		}
		c.done(id)
		return nil
	}, log, kafka.WithConsumerMetrics(m))
	dead := make(chan *kafka.Received, 10)
	startConsumer(t, cfg, "g-"+uuid.NewString(), topic+kafka.DeadLetterSuffix, p, func(_ context.Context, msg *kafka.Received) error {
		dead <- msg
		return nil
	})

	huge := nearTheSizeLimit(t, "saga-1", map[string]string{kafka.HeaderMessageID: "huge"})
	kafkatest.Send(t, p,
		kafka.Message{Topic: topic, Key: []byte("saga-1"), Value: huge, Headers: map[string]string{kafka.HeaderMessageID: "huge"}},
		kafka.Message{Topic: topic, Key: []byte("saga-1"), Value: []byte("2"), Headers: map[string]string{kafka.HeaderMessageID: "sentinel"}},
	)

	d := kafkatest.Receive(t, dead)
	assert.Equal(t, "huge", d.Headers[kafka.HeaderMessageID])
	assert.Equal(t, "saga-1", string(d.Key))
	assert.Equal(t, kafka.TruncatedValueBytes, len(d.Value))
	assert.True(t, bytes.Equal(huge[:kafka.TruncatedValueBytes], d.Value), "the value's first bytes")
	assert.Equal(t, "true", d.Headers[kafka.HeaderDeadLetterTruncated])
	assert.Equal(t, strconv.Itoa(len(huge)), d.Headers[kafka.HeaderDeadLetterOriginalSize])
	assert.Equal(t, "cannot decode", d.Headers[kafka.HeaderDeadLetterReason], "the reason is kept")
	assert.Equal(t, topic, d.Headers[kafka.HeaderDeadLetterTopic])
	assert.Equal(t, "0", d.Headers[kafka.HeaderDeadLetterOffset])
	require.Eventually(t, func() bool {
		_, handled := c.snapshot()
		return len(handled) == 1
	}, 30*time.Second, 10*time.Millisecond, "the partition moves on")
	attempts, _ := c.snapshot()
	assert.Equal(t, 1, attempts["huge"])
	assert.Equal(t, 1.0, value(t, reg, "fos_kafka_consumed_total", map[string]string{"topic": topic, "outcome": kafka.OutcomeDeadLettered}))

	refused := logs.FilterMessage("dead letter refused by the broker; parking a truncated copy").All()
	require.Len(t, refused, 1)
	assert.Equal(t, zapcore.ErrorLevel, refused[0].Level)
	assert.Contains(t, refused[0].ContextMap()["error"], "too large")
	parked := logs.FilterMessage("record parked on the dead-letter topic").All()
	require.Len(t, parked, 1)
	fields := parked[0].ContextMap()
	assert.Equal(t, zapcore.ErrorLevel, parked[0].Level)
	assert.Equal(t, topic, fields["topic"])
	assert.EqualValues(t, partitionOf(t, topic, "saga-1"), fields["partition"])
	assert.EqualValues(t, 0, fields["offset"])
	assert.Equal(t, "huge", fields["message_id"])
	assert.Equal(t, true, fields["truncated"])
}

// When even the truncated copy is refused for good, the record is logged at
// ERROR with what identifies it, counted, and the partition moves on.
func TestTruncatedDeadLetterRefusedTooIsLoggedAndSkipped(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "dlq-refused")
	p := kafkatest.Producer(t, cfg)
	reg, m := measured()
	log, logs := observedLogger(t)

	// The dead-letter producer talks to a broker that refuses every record
	// of the dead-letter topic as too large.
	tooLarge := sarama.NewMockProduceResponse(t)
	for partition := range int32(3) {
		tooLarge.SetError(topic+kafka.DeadLetterSuffix, partition, sarama.ErrMessageSizeTooLarge)
	}
	mb, _ := fakeBroker(t, tooLarge, topic+kafka.DeadLetterSuffix)
	dlqProducer := kafkatest.Producer(t, fakeBrokerConfig(mb.Addr()))

	var c calls
	runConsumer(t, cfg, consumerConfig("g-"+uuid.NewString(), topic), dlqProducer, func(_ context.Context, msg *kafka.Received) error {
		id := msg.Headers[kafka.HeaderMessageID]
		c.attempt(id)
		if id == "poison" {
			return retry.Permanent(errors.New("cannot decode"))
		}
		c.done(id)
		return nil
	}, log, kafka.WithConsumerMetrics(m))

	kafkatest.Send(t, p,
		kafka.Message{Topic: topic, Key: []byte("saga-1"), Value: []byte(`{"n":1}`), Headers: map[string]string{kafka.HeaderMessageID: "poison"}},
		kafka.Message{Topic: topic, Key: []byte("saga-1"), Value: []byte("2"), Headers: map[string]string{kafka.HeaderMessageID: "sentinel"}},
	)
	require.Eventually(t, func() bool {
		_, handled := c.snapshot()
		return len(handled) == 1
	}, 60*time.Second, 10*time.Millisecond, "the partition moves on")

	dropped := logs.FilterMessage("record dropped: even its truncated dead letter was refused; only this log line keeps it").All()
	require.Len(t, dropped, 1)
	assert.Equal(t, zapcore.ErrorLevel, dropped[0].Level)
	fields := dropped[0].ContextMap()
	assert.Equal(t, topic, fields["topic"])
	assert.EqualValues(t, partitionOf(t, topic, "saga-1"), fields["partition"])
	assert.EqualValues(t, 0, fields["offset"])
	assert.Equal(t, "poison", fields["message_id"])
	assert.Equal(t, "cannot decode", fields["reason"])
	assert.Equal(t, "saga-1", fields["key"])
	assert.Equal(t, `{"n":1}`, fields["value_prefix"])
	assert.Equal(t, fmt.Sprint(map[string]any{kafka.HeaderMessageID: "poison"}), fmt.Sprint(fields["headers"]))
	assert.Equal(t, 1.0, value(t, reg, "fos_kafka_consumed_total", map[string]string{"topic": topic, "outcome": kafka.OutcomeDeadLettered}))
}
