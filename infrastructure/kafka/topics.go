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

// EnsureTopics creates each topic of specs, and its dead-letter topic, unless
// it exists. Existing topics are left as they are.
func EnsureTopics(ctx context.Context, cfg Config, specs []TopicSpec) error {
	sc, err := cfg.sarama()
	if err != nil {
		return err
	}
	admin, err := sarama.NewClusterAdmin(cfg.Brokers, sc)
	if err != nil {
		return fmt.Errorf("kafka admin for %v: %w", cfg.Brokers, err)
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
