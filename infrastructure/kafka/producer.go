package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"go.uber.org/zap"
)

// Message is one record to produce.
type Message struct {
	Topic   string
	Key     []byte
	Value   []byte
	Headers map[string]string
}

// Producer sends records with acknowledgement from every in-sync replica and
// with the idempotent producer enabled, so the broker drops the duplicates
// its own retries would otherwise create.
type Producer struct {
	producer sarama.SyncProducer
	log      *zap.Logger
	metrics  *Metrics
	// sends tracks the batches still in sarama after their Send returned
	// early, so that Close returns only once they have finished.
	sends sync.WaitGroup
	// maxMessageBytes is sarama's client-side limit on one record.
	maxMessageBytes int
}

// SendTimeout bounds one Send: a caller that stops (a relay at shutdown, a
// consumer parking a record) never waits longer on a broker that is down or
// hangs, whatever its context says.
const SendTimeout = 10 * time.Second

// The settings that make sarama itself give up on a dead broker, so that
// the batches a Send left behind at SendTimeout do not pile up: with a
// broker that refuses connections sarama fails a batch in about a second,
// with one that accepts connections and never answers in about 20 s (each
// metadata attempt then costs three read timeouts). The broker waits
// producerAckTimeout for the in-sync replicas, and the client waits longer
// than that for its answer, so that a live broker with a slow replica answers
// with an error that can be retried rather than being cut off. Dialing is
// bounded by Config.DialTimeout.
const (
	producerAckTimeout     = 2 * time.Second
	producerNetTimeout     = 3 * time.Second
	producerMetadataBudget = 3 * time.Second
	producerRetries        = 2
	producerRetryBackoff   = 250 * time.Millisecond
)

// MaxRecordBytes is the largest record the producer sends, as sarama counts
// it; sarama refuses a larger one before it leaves, and keeps each batch
// below it. The broker's limit (message.max.bytes, 1,048,588 by default)
// bounds a whole uncompressed batch, its header included, so the producer's
// stays below it with room to spare: a record the producer accepts is never
// refused by the broker for its size.
const MaxRecordBytes = 1_000_000

// ProducerOption adds an optional behaviour to a Producer.
type ProducerOption func(*Producer)

// NewProducer connects a producer to the brokers of cfg.
func NewProducer(cfg Config, log *zap.Logger, opts ...ProducerOption) (*Producer, error) {
	sc, err := cfg.sarama()
	if err != nil {
		return nil, err
	}
	sc.Producer.RequiredAcks = sarama.WaitForAll
	sc.Producer.Idempotent = true
	sc.Net.MaxOpenRequests = 1 // required by the idempotent producer to keep order
	sc.Producer.Timeout = producerAckTimeout
	sc.Net.ReadTimeout = producerNetTimeout
	sc.Net.WriteTimeout = producerNetTimeout
	sc.Metadata.Timeout = producerMetadataBudget
	sc.Metadata.Retry.Max = 2
	sc.Metadata.Retry.Backoff = producerRetryBackoff
	// Retries stay few: a record that is not in after them goes back to the
	// caller, whose outbox sends it again with its own backoff.
	sc.Producer.Retry.Max = producerRetries
	sc.Producer.Retry.Backoff = producerRetryBackoff
	sc.Producer.Return.Successes = true
	sc.Producer.Return.Errors = true
	sc.Producer.Partitioner = sarama.NewHashPartitioner
	// Send at once: sarama waits for none of its flush triggers when all
	// three are zero, so a lone record leaves at once. Under load the
	// records that arrive while a request is in flight (one at a time, for
	// the idempotent producer) go together in the next, so batches grow
	// with the load by themselves. Records of a few hundred bytes gain
	// nothing from compression, which would cost both ends CPU.
	sc.Producer.Flush.Frequency = 0
	sc.Producer.Flush.Bytes = 0
	sc.Producer.Flush.Messages = 0
	sc.Producer.Compression = sarama.CompressionNone
	sc.Producer.MaxMessageBytes = MaxRecordBytes
	p, err := sarama.NewSyncProducer(cfg.Brokers, sc)
	if err != nil {
		return nil, fmt.Errorf("kafka producer for %v: %w", cfg.Brokers, err)
	}
	producer := &Producer{producer: p, maxMessageBytes: sc.Producer.MaxMessageBytes, log: log}
	for _, opt := range opts {
		opt(producer)
	}
	return producer, nil
}

// Send produces msgs as one batch and waits for the broker's answer to each.
// The result has one entry per message: nil where every in-sync replica has
// the record, the error otherwise. Records with the same key go to the same
// partition, in the order given.
//
// Send returns within SendTimeout (10 s), and at once when ctx ends; either
// way every message then gets that error. The batch may still be written
// after that, so its outcome is unknown, which is safe for a caller that
// sends again: an outbox row stays unpublished and is re-sent under the same
// message id, which receivers recognise.
func (p *Producer) Send(ctx context.Context, msgs []Message) (results []error) {
	defer func() { p.metrics.sent(msgs, results) }()
	results = make([]error, len(msgs))
	if len(msgs) == 0 {
		return results
	}
	if err := ctx.Err(); err != nil {
		return fill(results, err)
	}
	records := make([]*sarama.ProducerMessage, len(msgs))
	index := make(map[*sarama.ProducerMessage]int, len(msgs))
	for i, m := range msgs {
		records[i] = toRecord(m)
		index[records[i]] = i
	}
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	done := make(chan error, 1)
	p.sends.Add(1)
	go func() {
		defer p.sends.Done()
		done <- p.producer.SendMessages(records)
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		return fill(results, fmt.Errorf("kafka send abandoned, outcome unknown: %w", context.Cause(ctx)))
	}
	if err == nil {
		return results
	}
	var perrs sarama.ProducerErrors
	if !errors.As(err, &perrs) {
		return fill(results, err)
	}
	for _, pe := range perrs {
		if i, ok := index[pe.Msg]; ok {
			results[i] = p.recordError(pe)
		}
	}
	return results
}

// recordError is the error of one record. sarama refuses a record above
// Producer.MaxMessageBytes before sending it, with a ConfigurationError;
// that is the same refusal as the broker's MESSAGE_TOO_LARGE, and is
// reported as sarama.ErrMessageSizeTooLarge so that callers test one error.
func (p *Producer) recordError(pe *sarama.ProducerError) error {
	var configErr sarama.ConfigurationError
	if errors.As(pe.Err, &configErr) && pe.Msg.ByteSize(2) > p.maxMessageBytes {
		return fmt.Errorf("%w: %w", sarama.ErrMessageSizeTooLarge, pe.Err)
	}
	return pe.Err
}

func fill(results []error, err error) []error {
	for i := range results {
		results[i] = err
	}
	return results
}

// Close flushes and closes the producer. It returns once every batch that a
// cancelled Send left behind has its answer from sarama.
func (p *Producer) Close() error {
	err := p.producer.Close()
	p.sends.Wait()
	return err
}

func toRecord(m Message) *sarama.ProducerMessage {
	r := &sarama.ProducerMessage{Topic: m.Topic, Value: sarama.ByteEncoder(m.Value)}
	if m.Key != nil {
		r.Key = sarama.ByteEncoder(m.Key)
	}
	for k, v := range m.Headers {
		r.Headers = append(r.Headers, sarama.RecordHeader{Key: []byte(k), Value: []byte(v)})
	}
	return r
}
