// Package dlq reads the dead-letter topics and sends chosen records back to
// the topic they came from. A record lands on "<topic>.dlq" when it can never
// be handled (see kafka.Consumer); once its cause is fixed (a bug, a missing
// credit entry, a schema), an operator replays it.
package dlq

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"github.com/food-ordering-system/infrastructure/kafka"
)

// HeaderReplayedFrom is set on a replayed record: the dead-letter topic,
// partition and offset it was replayed from.
const HeaderReplayedFrom = "dlq-replayed-from"

// DeadLetter is one record of a dead-letter topic.
type DeadLetter struct {
	Topic     string            `json:"topic"`
	Partition int32             `json:"partition"`
	Offset    int64             `json:"offset"`
	Timestamp time.Time         `json:"timestamp"`
	Key       string            `json:"key"`
	Value     string            `json:"value"`
	Headers   map[string]string `json:"headers"`
}

// Ref names the record as "<topic>/<partition>/<offset>", the form Replay
// takes.
func (d DeadLetter) Ref() string { return fmt.Sprintf("%s/%d/%d", d.Topic, d.Partition, d.Offset) }

// Reason is why the record was parked.
func (d DeadLetter) Reason() string { return d.Headers[kafka.HeaderDeadLetterReason] }

// Truncated reports a truncated copy: the broker refused the full dead
// letter, so only the start of the value is here (see
// kafka.HeaderDeadLetterTruncated). It cannot be replayed.
func (d DeadLetter) Truncated() bool { return d.Headers[kafka.HeaderDeadLetterTruncated] == "true" }

// Origin is where the record was consumed from: topic/partition/offset.
func (d DeadLetter) Origin() string {
	return fmt.Sprintf("%s/%s/%s", d.Headers[kafka.HeaderDeadLetterTopic], d.Headers[kafka.HeaderDeadLetterPartition],
		d.Headers[kafka.HeaderDeadLetterOffset])
}

// Topics returns the dead-letter topics on the broker, sorted.
func Topics(cfg kafka.Config) ([]string, error) {
	admin, err := sarama.NewClusterAdmin(cfg.Brokers, saramaConfig())
	if err != nil {
		return nil, fmt.Errorf("dlq: connect to %v: %w", cfg.Brokers, err)
	}
	defer admin.Close()
	all, err := admin.ListTopics()
	if err != nil {
		return nil, fmt.Errorf("dlq: list topics: %w", err)
	}
	var out []string
	for name := range all {
		if strings.HasSuffix(name, kafka.DeadLetterSuffix) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}

// List reads every record of the given dead-letter topics, from the oldest
// to the end each partition had when List began: it never waits for more.
func List(ctx context.Context, cfg kafka.Config, topics []string) ([]DeadLetter, error) {
	client, err := sarama.NewClient(cfg.Brokers, saramaConfig())
	if err != nil {
		return nil, fmt.Errorf("dlq: connect to %v: %w", cfg.Brokers, err)
	}
	defer client.Close()
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return nil, err
	}
	defer consumer.Close()
	var out []DeadLetter
	for _, topic := range topics {
		partitions, err := client.Partitions(topic)
		if err != nil {
			return nil, fmt.Errorf("dlq: partitions of %s: %w", topic, err)
		}
		for _, p := range partitions {
			records, err := readPartition(ctx, client, consumer, topic, p)
			if err != nil {
				return nil, err
			}
			out = append(out, records...)
		}
	}
	return out, nil
}

func readPartition(ctx context.Context, client sarama.Client, consumer sarama.Consumer, topic string, partition int32) ([]DeadLetter, error) {
	oldest, err := client.GetOffset(topic, partition, sarama.OffsetOldest)
	if err != nil {
		return nil, fmt.Errorf("dlq: oldest offset of %s/%d: %w", topic, partition, err)
	}
	end, err := client.GetOffset(topic, partition, sarama.OffsetNewest)
	if err != nil {
		return nil, fmt.Errorf("dlq: end offset of %s/%d: %w", topic, partition, err)
	}
	if oldest >= end {
		return nil, nil
	}
	pc, err := consumer.ConsumePartition(topic, partition, oldest)
	if err != nil {
		return nil, fmt.Errorf("dlq: read %s/%d: %w", topic, partition, err)
	}
	defer pc.Close()
	var out []DeadLetter
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case err := <-pc.Errors():
			return nil, fmt.Errorf("dlq: read %s/%d: %w", topic, partition, err)
		case m := <-pc.Messages():
			out = append(out, fromRecord(m))
			if m.Offset+1 >= end {
				return out, nil
			}
		case <-time.After(30 * time.Second):
			return nil, fmt.Errorf("dlq: %s/%d: no record for 30s before offset %d", topic, partition, end)
		}
	}
}

// Replay sends the dead letters back to the topics they were consumed from,
// with their key, value and headers as they were (the dead-letter headers
// removed, HeaderReplayedFrom added). The receivers are idempotent, so a
// record replayed twice is handled once. A truncated copy is refused, and
// nothing is sent: replayed, it would be a different record.
func Replay(ctx context.Context, sender kafka.Sender, letters []DeadLetter) error {
	msgs := make([]kafka.Message, len(letters))
	for i, d := range letters {
		origin := d.Headers[kafka.HeaderDeadLetterTopic]
		if origin == "" {
			return fmt.Errorf("dlq: %s does not say which topic it came from", d.Ref())
		}
		if d.Truncated() {
			return fmt.Errorf("dlq: %s is a truncated copy of a %s-byte record and cannot be replayed; "+
				"the original is on %s until the topic's retention removes it", d.Ref(),
				d.Headers[kafka.HeaderDeadLetterOriginalSize], d.Origin())
		}
		headers := map[string]string{HeaderReplayedFrom: d.Ref()}
		for k, v := range d.Headers {
			if !strings.HasPrefix(k, "dlq-") {
				headers[k] = v
			}
		}
		msgs[i] = kafka.Message{Topic: origin, Key: []byte(d.Key), Value: []byte(d.Value), Headers: headers}
	}
	var errs []error
	for i, err := range sender.Send(ctx, msgs) {
		if err != nil {
			errs = append(errs, fmt.Errorf("dlq: replay %s: %w", letters[i].Ref(), err))
		}
	}
	return errors.Join(errs...)
}

// Select returns the letters whose Ref is among refs; an unknown ref is an
// error.
func Select(letters []DeadLetter, refs []string) ([]DeadLetter, error) {
	byRef := make(map[string]DeadLetter, len(letters))
	for _, d := range letters {
		byRef[d.Ref()] = d
	}
	out := make([]DeadLetter, 0, len(refs))
	for _, ref := range refs {
		d, ok := byRef[ref]
		if !ok {
			return nil, fmt.Errorf("dlq: no dead letter %s (refs look like payment-request.dlq/0/12)", ref)
		}
		out = append(out, d)
	}
	return out, nil
}

// ParseRef splits "<topic>/<partition>/<offset>".
func ParseRef(ref string) (topic string, partition int32, offset int64, err error) {
	i := strings.LastIndexByte(ref, '/')
	j := strings.LastIndexByte(ref[:max(i, 0)], '/')
	if i < 0 || j < 0 {
		return "", 0, 0, fmt.Errorf("dlq: %q is not <topic>/<partition>/<offset>", ref)
	}
	p, err := strconv.ParseInt(ref[j+1:i], 10, 32)
	if err != nil {
		return "", 0, 0, fmt.Errorf("dlq: partition of %q: %w", ref, err)
	}
	o, err := strconv.ParseInt(ref[i+1:], 10, 64)
	if err != nil {
		return "", 0, 0, fmt.Errorf("dlq: offset of %q: %w", ref, err)
	}
	return ref[:j], int32(p), o, nil
}

func fromRecord(m *sarama.ConsumerMessage) DeadLetter {
	headers := make(map[string]string, len(m.Headers))
	for _, h := range m.Headers {
		if h != nil {
			headers[string(h.Key)] = string(h.Value)
		}
	}
	return DeadLetter{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Timestamp: m.Timestamp,
		Key: string(m.Key), Value: string(m.Value), Headers: headers}
}

func saramaConfig() *sarama.Config {
	sc := sarama.NewConfig()
	sc.ClientID = "fos-dlq"
	sc.Consumer.Return.Errors = true
	sc.Metadata.AllowAutoTopicCreation = false
	return sc
}
