package kafka

import (
	"context"
	"errors"
	"fmt"
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
}

// NewProducer connects a producer to the brokers of cfg.
func NewProducer(cfg Config, log *zap.Logger) (*Producer, error) {
	sc, err := cfg.sarama()
	if err != nil {
		return nil, err
	}
	sc.Producer.RequiredAcks = sarama.WaitForAll
	sc.Producer.Idempotent = true
	sc.Net.MaxOpenRequests = 1 // required by the idempotent producer to keep order
	sc.Producer.Retry.Max = 10
	sc.Producer.Retry.Backoff = 100 * time.Millisecond
	sc.Producer.Return.Successes = true
	sc.Producer.Return.Errors = true
	sc.Producer.Partitioner = sarama.NewHashPartitioner
	sc.Producer.Compression = sarama.CompressionLZ4
	sc.Producer.Flush.Frequency = time.Millisecond
	p, err := sarama.NewSyncProducer(cfg.Brokers, sc)
	if err != nil {
		return nil, fmt.Errorf("kafka producer for %v: %w", cfg.Brokers, err)
	}
	return &Producer{producer: p, log: log}, nil
}

// Send produces msgs as one batch and waits for the broker's answer to each.
// The result has one entry per message: nil where every in-sync replica has
// the record, the error otherwise. Records with the same key go to the same
// partition, in the order given. The context is only checked before sending:
// once handed to the broker a batch runs to its answer.
func (p *Producer) Send(ctx context.Context, msgs []Message) []error {
	results := make([]error, len(msgs))
	if len(msgs) == 0 {
		return results
	}
	if err := ctx.Err(); err != nil {
		for i := range results {
			results[i] = err
		}
		return results
	}
	records := make([]*sarama.ProducerMessage, len(msgs))
	index := make(map[*sarama.ProducerMessage]int, len(msgs))
	for i, m := range msgs {
		records[i] = toRecord(m)
		index[records[i]] = i
	}
	err := p.producer.SendMessages(records)
	if err == nil {
		return results
	}
	var perrs sarama.ProducerErrors
	if !errors.As(err, &perrs) {
		for i := range results {
			results[i] = err
		}
		return results
	}
	for _, pe := range perrs {
		if i, ok := index[pe.Msg]; ok {
			results[i] = pe.Err
		}
	}
	return results
}

// Close flushes and closes the producer.
func (p *Producer) Close() error { return p.producer.Close() }

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
