// The consumer's settings, their defaults and validation, and the options
// that make it handle batches in one transaction and in lock order.

package kafka

import (
	"context"
	"errors"
	"fmt"
	"time"
)

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

// DefaultMaxAttempts is ConsumerConfig.MaxAttempts when none is configured.
const DefaultMaxAttempts = 10

// withDefaults fills in the settings left at zero.
func (cc ConsumerConfig) withDefaults() ConsumerConfig {
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
	return cc
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
