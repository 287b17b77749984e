package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/retry"
	"github.com/food-ordering-system/infrastructure/tracing"
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

// Handler handles one record. Returning nil marks the record consumed; an
// error is classified by Classify, which decides whether the record is
// retried or sent to the dead-letter topic. A panic dead-letters the record.
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

// panicError is a handler's panic turned into an error: a fault of the code
// on this one record, which a retry would only repeat.
type panicError struct{ value any }

func (e panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// Class says what the consumer does with a record whose handler failed.
type Class int

// The classes of handler errors.
const (
	// ClassUnknown: nothing says whether a retry can help. The record is
	// tried up to ConsumerConfig.MaxAttempts times, with backoff between,
	// then dead-lettered, so a bug cannot hold a partition for ever.
	ClassUnknown Class = iota
	// ClassTransient: the record is fine and a dependency is not (database
	// or broker down, serialization failure, timeout). The record is retried
	// with backoff until it is handled; it is never skipped.
	ClassTransient
	// ClassPermanent: the record can never be handled (undecodable, invalid,
	// breaks a data or integrity rule, made the handler panic). It goes to
	// the dead-letter topic at once.
	ClassPermanent
	// ClassConflict: the handler raced another change (a conflict, a
	// serialization failure, a deadlock); run again, it sees the winner's
	// change. It is retried with backoff like a transient error, but a
	// conflict that comes back on every try is no race, so it counts toward
	// ConsumerConfig.MaxAttempts and the record is then dead-lettered.
	ClassConflict
)

// String names the class in log lines.
func (c Class) String() string {
	switch c {
	case ClassTransient:
		return "transient"
	case ClassPermanent:
		return "permanent"
	case ClassConflict:
		return "conflict"
	default:
		return "unknown"
	}
}

// sqlStateError is what *pgconn.PgError offers, so that database errors are
// classified without this package depending on the driver.
type sqlStateError interface {
	error
	SQLState() string
}

// Classify decides the fate of a record whose handler returned err. The
// first rule that applies wins, most deliberate first:
//
//  1. Permanent(err) or a panic: permanent.
//  2. A kernel code, the application's own judgement: ECodeInvalid is
//     permanent; ECodeUnavailable is transient; ECodeConflict is a conflict
//     (a race, and the step run again sees the winner's change, which is why
//     a unique violation the repositories report as a conflict is retried).
//  3. A PostgreSQL SQLSTATE: classes 22 (data exception: numeric overflow,
//     invalid text such as \u0000 in jsonb) and 23 (integrity constraint) are
//     permanent; class 40 (serialization failure, deadlock) is a conflict;
//     class 08 (connection), class 53 (insufficient resources), 57P01,
//     57P02, 57P03 and 57P05 (server shutting down or starting, session
//     killed), 25006 (read-only transaction: a standby after a failover),
//     55P03 (lock timeout) and 57014 (statement timeout) are transient, the
//     list postgres.IsUnavailable keeps.
//  4. context.DeadlineExceeded or a net.Error: transient.
//
// Anything else is ClassUnknown.
func Classify(err error) Class {
	if err == nil {
		return ClassUnknown
	}
	var permanent permanentError
	var panicked panicError
	if errors.As(err, &permanent) || errors.As(err, &panicked) {
		return ClassPermanent
	}
	switch kernel.ErrorCodeOf(err) {
	case kernel.ECodeInvalid:
		return ClassPermanent
	case kernel.ECodeUnavailable:
		return ClassTransient
	case kernel.ECodeConflict:
		return ClassConflict
	}
	var pg sqlStateError
	if errors.As(err, &pg) {
		state := pg.SQLState()
		switch {
		case strings.HasPrefix(state, "22"), strings.HasPrefix(state, "23"):
			return ClassPermanent
		case strings.HasPrefix(state, "40"):
			return ClassConflict
		case strings.HasPrefix(state, "08"), strings.HasPrefix(state, "53"),
			slices.Contains([]string{"57P01", "57P02", "57P03", "57P05", "25006", "55P03", "57014"}, state):
			return ClassTransient
		}
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) {
		return ClassTransient
	}
	return ClassUnknown
}

// IsPermanent reports whether err dead-letters its record at once.
func IsPermanent(err error) bool { return Classify(err) == ClassPermanent }

// IsTransient reports whether err leaves its record to be retried until it is
// handled.
func IsTransient(err error) bool { return Classify(err) == ClassTransient }

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
	// MaxAttempts is how many times a record whose handler fails with an
	// unclassified error or a conflict is tried before it is dead-lettered
	// (default 10). Transient errors do not count: a record that waits for a
	// dependency waits as long as it takes.
	MaxAttempts int `mapstructure:"max_attempts"`
	// SessionTimeout is how long the broker waits for a silent member before
	// giving its partitions to the others (default 10s; the broker accepts
	// 6s to 5m). After a crash, the partitions of the dead instance wait this
	// long; shorter means faster failover and more spurious rebalances.
	SessionTimeout time.Duration `mapstructure:"session_timeout"`
	// BatchSize is the most records of one partition handled together, in
	// one transaction, when the consumer has one (see InTransaction). Only
	// records already fetched are taken: a batch never waits to fill, so
	// under light load every record is a batch of one (default 64).
	BatchSize int `mapstructure:"batch_size"`
}

// DefaultBatchSize is ConsumerConfig.BatchSize when none is configured.
const DefaultBatchSize = 64

// Transact runs fn in one database transaction carried by the context, as
// the services' transaction port does.
type Transact func(ctx context.Context, fn func(ctx context.Context) error) error

// ConsumerOption adds an optional behaviour to a Consumer.
type ConsumerOption func(*Consumer)

// InTransaction makes the consumer handle each batch of records in one
// transaction of transact, with one commit for the whole batch. The
// handlers' own transactions must join the one in the context (as
// postgres.Transactor's do). If any record of the batch fails, the batch is
// rolled back and its records are handled again one by one, each in its own
// transaction, with the usual retries and dead-lettering: a batch changes how
// often the database commits, never what a record's outcome is.
func InTransaction(transact Transact) ConsumerOption {
	return func(c *Consumer) { c.transact = transact }
}

// InLockOrder makes the consumer handle the records of a batch in ascending
// order of lockKey, for handlers that lock a row named by the record (the
// customer's credit entry). Each partition's batch is one transaction that
// holds its locks until it commits, so two batches that took the same rows
// in different orders would wait on each other until PostgreSQL broke the
// deadlock, a second later, and the batches fell back to one record at a
// time. In one order, they only queue. The sort is stable: records with one
// lock key keep their partition order, and so, as long as every record of a
// Kafka key has the same lock key, do the records of each Kafka key. Alone a
// record is handled as it comes.
func InLockOrder(lockKey func(*Received) string) ConsumerOption {
	return func(c *Consumer) { c.lockKey = lockKey }
}

// DefaultMaxAttempts is ConsumerConfig.MaxAttempts when none is configured.
const DefaultMaxAttempts = 10

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
	if cc.BatchSize < 0 {
		errs = append(errs, fmt.Errorf("%s.batch_size %d must not be negative", key, cc.BatchSize))
	}
	if cc.MaxAttempts < 0 {
		errs = append(errs, fmt.Errorf("%s.max_attempts %d: a record is tried at least once (0 takes the default %d)",
			key, cc.MaxAttempts, DefaultMaxAttempts))
	}
	if cc.SessionTimeout != 0 && (cc.SessionTimeout < 6*time.Second || cc.SessionTimeout > 5*time.Minute) {
		errs = append(errs, fmt.Errorf("%s.session_timeout %s: the broker accepts 6s to 5m", key, cc.SessionTimeout))
	}
	return errors.Join(errs...)
}

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
	if cc.MinBackoff <= 0 {
		cc.MinBackoff = 100 * time.Millisecond
	}
	if cc.MaxBackoff <= 0 {
		cc.MaxBackoff = 10 * time.Second
	}
	if cc.SessionTimeout <= 0 {
		cc.SessionTimeout = 10 * time.Second
	}
	if cc.MaxAttempts <= 0 {
		cc.MaxAttempts = DefaultMaxAttempts
	}
	if cc.BatchSize <= 0 {
		cc.BatchSize = DefaultBatchSize
	}
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

// call runs the handler and turns a panic into an error of this one record,
// so that a bug that one record triggers parks that record instead of
// killing the process and every partition with it.
//
// A record that carries a traceparent header is handled in a "process"
// span, child of the publisher's span, so that what the handler writes
// (its outbox rows) continues the same trace.
func (c *Consumer) call(ctx context.Context, msg *Received) (err error) {
	if tp, ok := msg.Headers[tracing.HeaderTraceParent]; ok {
		var span trace.Span
		ctx, span = tracing.Tracer().Start(tracing.ContextWithTraceParent(ctx, tp), msg.Topic+" process",
			trace.WithSpanKind(trace.SpanKindConsumer),
			trace.WithAttributes(attribute.String("messaging.system", "kafka"),
				attribute.String("messaging.destination.name", msg.Topic),
				attribute.Int("messaging.destination.partition.id", int(msg.Partition)),
				attribute.Int64("messaging.kafka.offset", msg.Offset),
				attribute.String("messaging.message.id", msg.Headers[HeaderMessageID])))
		defer func() {
			if err != nil {
				span.RecordError(err)
				span.SetStatus(codes.Error, "not handled")
			}
			span.End()
		}()
	}
	defer func() {
		if v := recover(); v != nil {
			c.recordLog(msg).Error("handler panicked", zap.Any("panic", v), zap.Stack("stack"))
			err = panicError{value: v}
		}
	}()
	return c.handler(ctx, msg)
}

// recordLog is the logger for lines about one record.
func (c *Consumer) recordLog(msg *Received) *zap.Logger {
	fields := []zap.Field{zap.String("topic", msg.Topic), zap.Int32("partition", msg.Partition), zap.Int64("offset", msg.Offset)}
	if id, ok := msg.Headers[HeaderMessageID]; ok {
		fields = append(fields, zap.String("message_id", id))
	}
	return c.log.With(fields...)
}

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
