package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/IBM/sarama"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
)

// Headers a dead-lettered record carries besides its original ones.
const (
	HeaderDeadLetterReason    = "dlq-reason"
	HeaderDeadLetterTopic     = "dlq-original-topic"
	HeaderDeadLetterPartition = "dlq-original-partition"
	HeaderDeadLetterOffset    = "dlq-original-offset"
)

// Received is one consumed record, handed to a Handler.
type Received struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   map[string]string
	Timestamp time.Time
}

// Handler handles one record. Returning nil marks the record consumed. An
// error marked Permanent, or one whose kernel code is ECodeInvalid, sends the
// record to the dead-letter topic; any other error is retried.
type Handler func(ctx context.Context, msg *Received) error

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as one that no retry can cure, so the runner sends the
// record to the dead-letter topic instead of retrying it.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err: err}
}

// IsPermanent reports whether err should dead-letter its record.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p) || kernel.ErrorCodeOf(err) == kernel.ECodeInvalid
}

// DecodeJSON decodes a record's value into T. A value that is not valid JSON
// for T can never be handled, so the error is Permanent.
func DecodeJSON[T any](msg *Received) (T, error) {
	var v T
	if err := json.Unmarshal(msg.Value, &v); err != nil {
		return v, Permanent(fmt.Errorf("decode %s record at %d/%d: %w", msg.Topic, msg.Partition, msg.Offset, err))
	}
	return v, nil
}

// ConsumerConfig says what a Consumer reads and how it retries.
type ConsumerConfig struct {
	GroupID string `mapstructure:"group_id"`
	// Topics are not read from the consumer's own settings: the service sets
	// them from its topic settings with WithTopics.
	Topics []string `mapstructure:"-"`
	// MinBackoff and MaxBackoff bound the exponential wait between retries of
	// a record whose handler failed (defaults 100ms and 10s).
	MinBackoff time.Duration `mapstructure:"min_backoff"`
	MaxBackoff time.Duration `mapstructure:"max_backoff"`
	// SessionTimeout is how long the broker waits for a silent member before
	// giving its partitions to the others (default 10s; the broker accepts
	// 6s to 5m). After a crash, the partitions of the dead instance wait this
	// long; shorter means faster failover and more spurious rebalances.
	SessionTimeout time.Duration `mapstructure:"session_timeout"`
}

// WithTopics returns the settings with the topics to read.
func (cc ConsumerConfig) WithTopics(topics ...string) ConsumerConfig {
	cc.Topics = topics
	return cc
}

// Validate reports settings that cannot work; key is where they were read
// from (e.g. "consumer"), for the messages.
func (cc ConsumerConfig) Validate(key string) error {
	var errs []error
	if cc.GroupID == "" {
		errs = append(errs, fmt.Errorf("%s.group_id is empty", key))
	}
	if cc.MinBackoff < 0 || cc.MaxBackoff < 0 {
		errs = append(errs, fmt.Errorf("%s: backoffs must not be negative", key))
	}
	if cc.MaxBackoff > 0 && cc.MinBackoff > cc.MaxBackoff {
		errs = append(errs, fmt.Errorf("%s.min_backoff %s is above %s.max_backoff %s", key, cc.MinBackoff, key, cc.MaxBackoff))
	}
	if cc.SessionTimeout != 0 && (cc.SessionTimeout < 6*time.Second || cc.SessionTimeout > 5*time.Minute) {
		errs = append(errs, fmt.Errorf("%s.session_timeout %s: the broker accepts 6s to 5m", key, cc.SessionTimeout))
	}
	return errors.Join(errs...)
}

// Consumer runs a consumer group over its topics, one record at a time per
// partition, with at-least-once semantics: a record's offset is marked only
// after its handler returned nil (or the record went to the dead-letter
// topic), so a crash re-delivers whatever was not handled.
type Consumer struct {
	cfg      Config
	cc       ConsumerConfig
	handler  Handler
	producer *Producer
	log      *zap.Logger
}

// NewConsumer returns a consumer that passes records to handler and uses
// producer for the dead-letter topic.
func NewConsumer(cfg Config, cc ConsumerConfig, handler Handler, producer *Producer, log *zap.Logger) (*Consumer, error) {
	if cc.GroupID == "" || len(cc.Topics) == 0 {
		return nil, errors.New("kafka consumer needs a group id and at least one topic")
	}
	if cc.MinBackoff <= 0 {
		cc.MinBackoff = 100 * time.Millisecond
	}
	if cc.MaxBackoff <= 0 {
		cc.MaxBackoff = 10 * time.Second
	}
	if cc.SessionTimeout <= 0 {
		cc.SessionTimeout = 10 * time.Second
	}
	return &Consumer{cfg: cfg, cc: cc, handler: handler, producer: producer,
		log: log.With(zap.String("group", cc.GroupID), zap.Strings("topics", cc.Topics))}, nil
}

// Run consumes until ctx is cancelled, then leaves the group after committing
// the offsets of the records that were handled.
func (c *Consumer) Run(ctx context.Context) error {
	sc, err := c.cfg.sarama()
	if err != nil {
		return err
	}
	sc.Consumer.Offsets.Initial = sarama.OffsetOldest
	sc.Consumer.Offsets.AutoCommit.Enable = true
	sc.Consumer.Offsets.AutoCommit.Interval = time.Second
	sc.Consumer.Group.Session.Timeout = c.cc.SessionTimeout
	sc.Consumer.Group.Heartbeat.Interval = c.cc.SessionTimeout / 3
	sc.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{sarama.NewBalanceStrategySticky()}
	sc.Consumer.Fetch.Default = 1 << 20
	sc.Consumer.MaxWaitTime = 100 * time.Millisecond
	group, err := sarama.NewConsumerGroup(c.cfg.Brokers, c.cc.GroupID, sc)
	if err != nil {
		return fmt.Errorf("kafka consumer group %s: %w", c.cc.GroupID, err)
	}
	defer func() {
		if err := group.Close(); err != nil {
			c.log.Warn("closing consumer group", zap.Error(err))
		}
	}()
	backoff := c.cc.MinBackoff
	for ctx.Err() == nil {
		err := group.Consume(ctx, c.cc.Topics, groupHandler{c})
		if ctx.Err() != nil || errors.Is(err, sarama.ErrClosedConsumerGroup) {
			break
		}
		if err != nil {
			c.log.Warn("consumer group session failed; rejoining", zap.Error(err), zap.Duration("backoff", backoff))
			if !sleep(ctx, backoff) {
				break
			}
			backoff = min(backoff*2, c.cc.MaxBackoff)
			continue
		}
		backoff = c.cc.MinBackoff
	}
	return nil
}

type groupHandler struct{ c *Consumer }

func (groupHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (groupHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

// ConsumeClaim handles one partition's records in order. It returns when the
// session ends (rebalance or shutdown); the record being retried then stays
// unmarked and goes to the partition's next owner.
func (h groupHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	ctx := sess.Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case record, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			if !h.c.handle(ctx, record) {
				return nil
			}
			sess.MarkMessage(record, "")
		}
	}
}

// handle runs the handler on record until it succeeds or the record is
// dead-lettered, and reports whether the record may be marked. It gives up
// only when ctx ends.
func (c *Consumer) handle(ctx context.Context, record *sarama.ConsumerMessage) bool {
	msg := fromRecord(record)
	backoff := c.cc.MinBackoff
	for attempt := 1; ; attempt++ {
		err := c.handler(ctx, msg)
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		log := c.log.With(zap.String("topic", msg.Topic), zap.Int32("partition", msg.Partition),
			zap.Int64("offset", msg.Offset), zap.Int("attempt", attempt), zap.Error(err))
		if IsPermanent(err) {
			log.Error("record cannot be handled; sending it to the dead-letter topic")
			return c.deadLetter(ctx, msg, err)
		}
		log.Warn("handler failed; retrying", zap.Duration("backoff", backoff))
		if !sleep(ctx, backoff) {
			return false
		}
		backoff = min(backoff*2, c.cc.MaxBackoff)
	}
}

// deadLetter publishes msg to its topic's dead-letter topic, retrying until
// the broker takes it: a record is never dropped on the floor.
func (c *Consumer) deadLetter(ctx context.Context, msg *Received, reason error) bool {
	headers := make(map[string]string, len(msg.Headers)+4)
	for k, v := range msg.Headers {
		headers[k] = v
	}
	headers[HeaderDeadLetterReason] = reason.Error()
	headers[HeaderDeadLetterTopic] = msg.Topic
	headers[HeaderDeadLetterPartition] = strconv.Itoa(int(msg.Partition))
	headers[HeaderDeadLetterOffset] = strconv.FormatInt(msg.Offset, 10)
	dlq := Message{Topic: msg.Topic + DeadLetterSuffix, Key: msg.Key, Value: msg.Value, Headers: headers}
	backoff := c.cc.MinBackoff
	for {
		err := c.producer.Send(ctx, []Message{dlq})[0]
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		c.log.Warn("dead-letter publish failed; retrying", zap.String("topic", dlq.Topic), zap.Error(err))
		if !sleep(ctx, backoff) {
			return false
		}
		backoff = min(backoff*2, c.cc.MaxBackoff)
	}
}

func fromRecord(r *sarama.ConsumerMessage) *Received {
	headers := make(map[string]string, len(r.Headers))
	for _, h := range r.Headers {
		if h != nil {
			headers[string(h.Key)] = string(h.Value)
		}
	}
	return &Received{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Key: r.Key, Value: r.Value,
		Headers: headers, Timestamp: r.Timestamp}
}

// sleep waits d or until ctx is done; it reports whether the wait ran out.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
