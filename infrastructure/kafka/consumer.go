// The consumer: its group session, rejoined with backoff when it fails, and
// each claimed partition read in order, its offsets marked once handled.

package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/retry"
)

// Consumer runs a consumer group over its topics, each partition's records
// in order, with at-least-once semantics: a record's offset is marked only
// after its handler returned nil and its transaction committed (or the
// record went to the dead-letter topic), so a crash re-delivers whatever was
// not handled.
type Consumer struct {
	cfg      Config
	cc       ConsumerConfig
	handler  Handler
	producer *Producer
	transact Transact
	lockKey  func(*Received) string
	log      *zap.Logger
	metrics  *Metrics

	// Running totals for the log lines, so that an operator who reads only
	// the logs sees how many retries and dead letters there were (the same
	// counts are also metrics).
	retries     atomic.Int64
	deadLetters atomic.Int64
}

// NewConsumer returns a consumer that passes records to handler and uses
// producer for the dead-letter topic.
func NewConsumer(cfg Config, cc ConsumerConfig, handler Handler, producer *Producer, log *zap.Logger, opts ...ConsumerOption) (*Consumer, error) {
	if cc.GroupID == "" || len(cc.Topics) == 0 {
		return nil, errors.New("kafka consumer needs a group id and at least one topic")
	}
	cc = cc.withDefaults()
	c := &Consumer{cfg: cfg, cc: cc, handler: handler, producer: producer,
		log: log.With(zap.String("group", cc.GroupID), zap.Strings("topics", cc.Topics))}
	for _, opt := range opts {
		opt(c)
	}
	return c, nil
}

// Run consumes until ctx is cancelled, then leaves the group after committing
// the offsets of the records that were handled.
func (c *Consumer) Run(ctx context.Context) error {
	sc, err := c.groupConfig()
	if err != nil {
		return err
	}
	group, err := sarama.NewConsumerGroup(c.cfg.Brokers, c.cc.GroupID, sc)
	if err != nil {
		return fmt.Errorf("kafka consumer group %s: %w", c.cc.GroupID, err)
	}
	defer func() {
		if err := group.Close(); err != nil {
			c.log.Warn("closing consumer group", zap.Error(err))
		}
	}()
	backoff := retry.NewBackoff(c.cc.MinBackoff, c.cc.MaxBackoff)
	for ctx.Err() == nil {
		err := group.Consume(ctx, c.cc.Topics, groupHandler{c})
		if ctx.Err() != nil || errors.Is(err, sarama.ErrClosedConsumerGroup) {
			break
		}
		if err != nil {
			wait := backoff.Next()
			c.log.Warn("consumer group session failed; rejoining", zap.Error(err), zap.Duration("backoff", wait))
			if !retry.Sleep(ctx, wait, nil) {
				break
			}
			continue
		}
		backoff.Reset()
	}
	return nil
}

// groupConfig is the client's configuration with the group's settings: a new
// group starts at the oldest record, and the offsets marked are committed
// every second and when the session ends.
func (c *Consumer) groupConfig() (*sarama.Config, error) {
	sc, err := c.cfg.sarama()
	if err != nil {
		return nil, err
	}
	sc.Consumer.Offsets.Initial = sarama.OffsetOldest
	sc.Consumer.Offsets.AutoCommit.Enable = true
	sc.Consumer.Offsets.AutoCommit.Interval = time.Second
	sc.Consumer.Group.Session.Timeout = c.cc.SessionTimeout
	sc.Consumer.Group.Heartbeat.Interval = c.cc.SessionTimeout / 3
	sc.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{sarama.NewBalanceStrategySticky()}
	sc.Consumer.Fetch.Default = 1 << 20
	sc.Consumer.MaxWaitTime = 100 * time.Millisecond
	return sc, nil
}

type groupHandler struct{ c *Consumer }

func (groupHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (groupHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

// ConsumeClaim handles one partition's records in order. It returns when the
// session ends (rebalance or shutdown); the record being retried then stays
// unmarked and goes to the partition's next owner.
func (h groupHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	ctx := sess.Context()
	defer h.c.metrics.released(claim.Topic(), claim.Partition())
	batch := make([]*sarama.ConsumerMessage, 0, h.c.cc.BatchSize)
	for {
		select {
		case <-ctx.Done():
			return nil
		case record, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			batch = append(batch[:0], record)
			batch = h.c.fill(batch, claim.Messages())
			if !h.c.handleBatch(ctx, batch, func(r *sarama.ConsumerMessage) {
				sess.MarkMessage(r, "")
				h.c.metrics.handledUpTo(r.Topic, r.Partition, r.Offset, claim.HighWaterMarkOffset())
			}) {
				return nil
			}
		}
	}
}
