// Batches: the records already fetched from one partition, handled in one
// transaction, in lock order if asked, and replayed one by one on failure.

package kafka

import (
	"context"
	"slices"
	"strings"

	"github.com/IBM/sarama"
	"go.uber.org/zap"
)

// fill adds to batch the records already fetched, up to the batch size,
// without waiting for more. Without a transaction a batch is one record.
func (c *Consumer) fill(batch []*sarama.ConsumerMessage, records <-chan *sarama.ConsumerMessage) []*sarama.ConsumerMessage {
	if c.transact == nil {
		return batch
	}
	for len(batch) < c.cc.BatchSize {
		select {
		case record, ok := <-records:
			if !ok {
				return batch
			}
			batch = append(batch, record)
		default:
			return batch
		}
	}
	return batch
}

// handleBatch handles the records in order and marks each one handled. A
// batch of several is first tried in one transaction; on any failure it is
// rolled back and replayed one record at a time. It reports whether the
// session may go on.
func (c *Consumer) handleBatch(ctx context.Context, batch []*sarama.ConsumerMessage, mark func(*sarama.ConsumerMessage)) bool {
	if len(batch) > 1 {
		msgs := make([]*Received, len(batch))
		for i, r := range batch {
			msgs[i] = fromRecord(r)
		}
		if c.lockKey != nil {
			keys := make(map[*Received]string, len(msgs))
			for _, m := range msgs {
				keys[m] = c.lockKey(m)
			}
			slices.SortStableFunc(msgs, func(a, b *Received) int { return strings.Compare(keys[a], keys[b]) })
		}
		err := c.transact(ctx, func(ctx context.Context) error {
			for _, msg := range msgs {
				if err := c.call(ctx, msg); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			c.metrics.handled(batch[0].Topic, len(batch))
			mark(batch[len(batch)-1])
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		c.log.Debug("batch rolled back; handling its records one by one", zap.Int("records", len(batch)), zap.Error(err))
	}
	for _, record := range batch {
		if !c.handle(ctx, record) {
			return false
		}
		mark(record)
	}
	return true
}
