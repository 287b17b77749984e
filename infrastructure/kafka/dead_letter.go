// Dead-lettering: a record that cannot be handled parked on its topic's
// dead-letter topic with why, or a truncated copy when the broker refuses it.

package kafka

import (
	"context"
	"strconv"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/retry"
)

// Headers a dead-lettered record carries besides its original ones.
const (
	HeaderDeadLetterReason    = "dlq-reason"
	HeaderDeadLetterTopic     = "dlq-original-topic"
	HeaderDeadLetterPartition = "dlq-original-partition"
	HeaderDeadLetterOffset    = "dlq-original-offset"
	// HeaderDeadLetterTruncated is "true" on a dead letter that is a
	// truncated copy: the broker refused the full record, so the value is
	// only its first TruncatedValueBytes. Such a copy cannot be replayed; the
	// original is still on its topic at the original offset until the
	// topic's retention removes it.
	HeaderDeadLetterTruncated = "dlq-truncated"
	// HeaderDeadLetterOriginalSize is the original value's size in bytes, on
	// a truncated copy.
	HeaderDeadLetterOriginalSize = "dlq-original-size"
)

// Bounds of a truncated dead letter: far below any broker's limit, so that
// what is left of the record is parked rather than lost.
const (
	// TruncatedValueBytes is how much of the value a truncated copy keeps.
	TruncatedValueBytes = 16 << 10
	// truncatedHeaderBytes bounds each header value of a truncated copy
	// (the reason may quote the record).
	truncatedHeaderBytes = 2 << 10
)

// deadLetter publishes msg to its topic's dead-letter topic with reason, and
// reports whether it may be marked. The record is fine to drop from its
// partition only once the dead-letter topic has it, so a failed publish (the
// broker is down) is retried with backoff until ctx ends.
//
// A dead letter the broker or the producer refuses for good (too large: the
// dead-letter headers pushed a record near the size limit over it; invalid)
// would hold the partition for ever. A truncated copy is parked instead (see
// HeaderDeadLetterTruncated); if even that is refused, the record is logged
// with everything that identifies it and the partition moves on.
func (c *Consumer) deadLetter(ctx context.Context, msg *Received, reason string, attempts int) bool {
	headers := make(map[string]string, len(msg.Headers)+4)
	for k, v := range msg.Headers {
		headers[k] = v
	}
	headers[HeaderDeadLetterReason] = reason
	headers[HeaderDeadLetterTopic] = msg.Topic
	headers[HeaderDeadLetterPartition] = strconv.Itoa(int(msg.Partition))
	headers[HeaderDeadLetterOffset] = strconv.FormatInt(msg.Offset, 10)
	dlq := Message{Topic: msg.Topic + DeadLetterSuffix, Key: msg.Key, Value: msg.Value, Headers: headers}
	truncated := false
	backoff := retry.NewBackoff(c.cc.MinBackoff, c.cc.MaxBackoff)
	for {
		err := c.producer.Send(ctx, []Message{dlq})[0]
		if err == nil {
			c.metrics.deadLettered(msg.Topic)
			c.recordLog(msg).Error("record parked on the dead-letter topic", zap.String("reason", reason),
				zap.Int("attempts", attempts), zap.String("dlq_topic", dlq.Topic), zap.Bool("truncated", truncated),
				zap.Int64("dead_letters_total", c.deadLetters.Add(1)))
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if refusedRecord(err) && !truncated {
			c.recordLog(msg).Error("dead letter refused by the broker; parking a truncated copy", zap.String("reason", reason),
				zap.String("dlq_topic", dlq.Topic), zap.Int("value_bytes", len(msg.Value)), zap.Error(err))
			dlq, truncated = truncatedCopy(dlq), true
			continue
		}
		if refusedRecord(err) {
			c.metrics.deadLettered(msg.Topic)
			c.recordLog(msg).Error("record dropped: even its truncated dead letter was refused; only this log line keeps it",
				zap.String("reason", reason), zap.Int("attempts", attempts), zap.String("dlq_topic", dlq.Topic),
				zap.ByteString("key", msg.Key), zap.Int("value_bytes", len(msg.Value)),
				zap.ByteString("value_prefix", msg.Value[:min(len(msg.Value), truncatedHeaderBytes)]),
				zap.Any("headers", msg.Headers), zap.Int64("dead_letters_total", c.deadLetters.Add(1)), zap.Error(err))
			return true
		}
		wait := backoff.Next()
		c.recordLog(msg).Warn("dead-letter publish failed; retrying", zap.String("dlq_topic", dlq.Topic),
			zap.Duration("backoff", wait), zap.Error(err))
		if !retry.Sleep(ctx, wait, nil) {
			return false
		}
	}
}

// truncatedCopy is the dead letter m cut down to bounds any broker takes:
// the value's first TruncatedValueBytes, every header value bounded, and
// the fact and the original size in headers.
func truncatedCopy(m Message) Message {
	headers := make(map[string]string, len(m.Headers)+2)
	for k, v := range m.Headers {
		headers[k] = truncate(v, truncatedHeaderBytes)
	}
	headers[HeaderDeadLetterTruncated] = "true"
	headers[HeaderDeadLetterOriginalSize] = strconv.Itoa(len(m.Value))
	return Message{Topic: m.Topic, Key: []byte(truncate(string(m.Key), truncatedHeaderBytes)),
		Value: []byte(truncate(string(m.Value), TruncatedValueBytes)), Headers: headers}
}

// truncate cuts s to at most n bytes.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
