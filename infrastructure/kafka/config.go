// Package kafka is the Kafka adapter every service shares, on IBM/sarama: an
// idempotent producer that reports each message's result, a consumer-group
// runner with at-least-once handling, retries and a dead-letter topic, topic
// creation and a readiness check. The messages themselves are in the
// contract sub-package.
package kafka

import (
	"errors"
	"fmt"
	"time"

	"github.com/IBM/sarama"
)

// DefaultVersion is the protocol version used when the config names none.
// Kafka 4 removed the protocol versions older clients negotiate by default,
// so sarama must be told it speaks to a 4.x broker.
const DefaultVersion = "4.0.0"

// Config is how a service reaches the broker.
type Config struct {
	Brokers  []string `mapstructure:"brokers"`
	ClientID string   `mapstructure:"client_id"`
	// Version is the broker's Kafka version, e.g. "4.1.1".
	Version string `mapstructure:"version"`
	// DialTimeout bounds connecting to a broker (default 5s).
	DialTimeout time.Duration `mapstructure:"dial_timeout"`
}

// Validate reports a configuration that cannot work.
func (c Config) Validate() error {
	var errs []error
	if len(c.Brokers) == 0 {
		errs = append(errs, errors.New("kafka.brokers is empty"))
	}
	if c.Version != "" {
		v, err := sarama.ParseKafkaVersion(c.Version)
		if err != nil {
			errs = append(errs, fmt.Errorf("kafka.version: %w", err))
		} else if !v.IsAtLeast(sarama.V4_0_0_0) {
			errs = append(errs, fmt.Errorf("kafka.version %s: the system runs on Kafka 4.x", c.Version))
		}
	}
	return errors.Join(errs...)
}

// sarama returns the sarama settings shared by producers, consumers and the
// admin client.
func (c Config) sarama() (*sarama.Config, error) {
	version := c.Version
	if version == "" {
		version = DefaultVersion
	}
	v, err := sarama.ParseKafkaVersion(version)
	if err != nil {
		return nil, fmt.Errorf("kafka version %q: %w", version, err)
	}
	sc := sarama.NewConfig()
	sc.Version = v
	if c.ClientID != "" {
		sc.ClientID = c.ClientID
	}
	dial := c.DialTimeout
	if dial <= 0 {
		dial = 5 * time.Second
	}
	sc.Net.DialTimeout = dial
	sc.Metadata.Retry.Max = 5
	sc.Metadata.Retry.Backoff = 200 * time.Millisecond
	return sc, nil
}
