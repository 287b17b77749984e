package kafka

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/IBM/sarama"
)

// DeadLetterSuffix is appended to a topic's name to form its dead-letter topic.
const DeadLetterSuffix = ".dlq"

// TopicSpec is a topic to create when it is missing.
type TopicSpec struct {
	Name              string `mapstructure:"name"`
	Partitions        int32  `mapstructure:"partitions"`
	ReplicationFactor int16  `mapstructure:"replication_factor"`
}

// TopicSetting is one configured topic: the key it is read from (for the
// messages, e.g. "topics.payment_request") and the topic's name.
type TopicSetting struct {
	Key  string
	Name string
}

// ValidateTopics reports every topic setting that is empty and every topic
// that two settings share: a service must never read what it writes.
// partitions and replicationFactor, where configured, must not be negative.
func ValidateTopics(settings []TopicSetting, partitions int32, replicationFactor int16) error {
	var errs []error
	usedBy := map[string]string{}
	for _, t := range settings {
		if t.Name == "" {
			errs = append(errs, fmt.Errorf("%s is empty", t.Key))
			continue
		}
		if other, ok := usedBy[t.Name]; ok {
			errs = append(errs, fmt.Errorf("%s and %s name the same topic %q", other, t.Key, t.Name))
			continue
		}
		usedBy[t.Name] = t.Key
	}
	if partitions < 0 || replicationFactor < 0 {
		errs = append(errs, errors.New("topics: partitions and replication_factor must not be negative"))
	}
	return errors.Join(errs...)
}

// NewClusterAdmin connects an admin client to cfg's brokers, with cfg's TLS
// and SASL settings. The caller closes it.
func NewClusterAdmin(cfg Config) (sarama.ClusterAdmin, error) {
	sc, err := cfg.sarama()
	if err != nil {
		return nil, err
	}
	admin, err := sarama.NewClusterAdmin(cfg.Brokers, sc)
	if err != nil {
		return nil, fmt.Errorf("kafka admin for %v: %w", cfg.Brokers, err)
	}
	return admin, nil
}

// EnsureTopics creates each topic of specs, and its dead-letter topic, unless
// it exists. Existing topics are left as they are.
func EnsureTopics(ctx context.Context, cfg Config, specs []TopicSpec) error {
	admin, err := NewClusterAdmin(cfg)
	if err != nil {
		return err
	}
	defer admin.Close()
	for _, spec := range specs {
		for _, name := range []string{spec.Name, spec.Name + DeadLetterSuffix} {
			if err := ctx.Err(); err != nil {
				return err
			}
			partitions, replication := spec.Partitions, spec.ReplicationFactor
			if partitions <= 0 {
				partitions = 3
			}
			if replication <= 0 {
				replication = 1
			}
			err := admin.CreateTopic(name, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: replication}, false)
			if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
				return fmt.Errorf("create topic %s: %w", name, err)
			}
		}
	}
	return nil
}

// DeleteTopics deletes each topic of names and its dead-letter topic. A
// topic that does not exist is no error.
func DeleteTopics(ctx context.Context, cfg Config, names ...string) error {
	admin, err := NewClusterAdmin(cfg)
	if err != nil {
		return err
	}
	defer admin.Close()
	var errs []error
	for _, topic := range names {
		for _, name := range []string{topic, topic + DeadLetterSuffix} {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := admin.DeleteTopic(name); err != nil && !errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
				errs = append(errs, fmt.Errorf("delete topic %s: %w", name, err))
			}
		}
	}
	return errors.Join(errs...)
}

// Ping is a readiness check: it answers nil while at least one broker of cfg
// accepts a connection and answers an ApiVersions request.
func Ping(cfg Config) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		sc, err := cfg.sarama()
		if err != nil {
			return err
		}
		if deadline, ok := ctx.Deadline(); ok {
			sc.Net.DialTimeout = max(time.Until(deadline), 0)
			sc.Net.ReadTimeout = sc.Net.DialTimeout
		}
		var errs []error
		for _, addr := range cfg.Brokers {
			b := sarama.NewBroker(addr)
			if err := b.Open(sc); err != nil {
				errs = append(errs, err)
				continue
			}
			_, err := b.ApiVersions(&sarama.ApiVersionsRequest{})
			_ = b.Close()
			if err == nil {
				return nil
			}
			errs = append(errs, fmt.Errorf("broker %s: %w", addr, err))
		}
		return fmt.Errorf("no kafka broker answers: %w", errors.Join(errs...))
	}
}
