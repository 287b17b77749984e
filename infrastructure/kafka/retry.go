// One record handled until it is done: retried with backoff by its error's
// class, dead-lettered when it can never succeed or has used its attempts.

package kafka

import (
	"context"
	"fmt"

	"github.com/IBM/sarama"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/retry"
)

func (c *Consumer) handle(ctx context.Context, record *sarama.ConsumerMessage) bool {
	msg := fromRecord(record)
	backoff := retry.NewBackoff(c.cc.MinBackoff, c.cc.MaxBackoff)
	charged := 0 // attempts that count toward MaxAttempts: unclassified errors and conflicts
	for attempt := 1; ; attempt++ {
		err := c.call(ctx, msg)
		if err == nil {
			c.metrics.handled(msg.Topic, 1)
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		class := Classify(err)
		switch class {
		case ClassPermanent:
			return c.deadLetter(ctx, msg, err.Error(), attempt)
		case ClassUnknown, ClassConflict:
			charged++
			if charged >= c.cc.MaxAttempts {
				return c.deadLetter(ctx, msg, fmt.Sprintf("gave up after %d attempts: %v", attempt, err), attempt)
			}
		}
		wait := backoff.Next()
		c.metrics.retried(msg.Topic)
		c.recordLog(msg).Warn("handler failed; retrying", zap.Int("attempt", attempt), zap.Stringer("class", class),
			zap.Duration("backoff", wait), zap.Int64("retries_total", c.retries.Add(1)), zap.Error(err))
		if !retry.Sleep(ctx, wait, nil) {
			return false
		}
	}
}
