package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/retry"
)

// RelayConfig tunes a Relay. The zero value of each field takes its default.
type RelayConfig struct {
	// Name identifies the relay in logs, e.g. "payment_outbox".
	Name string `mapstructure:"name"`
	// BatchSize is the most rows claimed and published in one transaction.
	BatchSize int `mapstructure:"batch_size"`
	// PollInterval is how often the relay looks for rows without being woken:
	// the safety net behind LISTEN/NOTIFY.
	PollInterval time.Duration `mapstructure:"poll_interval"`
	// MinBackoff and MaxBackoff bound the wait after a batch failed as a
	// whole (the broker is down); a NOTIFY cuts the wait short.
	MinBackoff time.Duration `mapstructure:"min_backoff"`
	MaxBackoff time.Duration `mapstructure:"max_backoff"`
	// MaxAttempts is how many times a row that fails on its own is tried
	// before it becomes FAILED (default 5).
	MaxAttempts int `mapstructure:"max_attempts"`
	// GatherWindow is how long the relay waits after a NOTIFY before it
	// claims, so that rows committed at nearly the same moment share one
	// claim and one produce (0, the default, claims at once). It bounds the
	// latency it adds; under light load it only adds that latency.
	GatherWindow time.Duration `mapstructure:"gather_window"`
}

func (c *RelayConfig) setDefaults() {
	if c.Name == "" {
		c.Name = "outbox"
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 100
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 5 * time.Second
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 100 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 10 * time.Second
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 5
	}
}

// Validate reports settings that cannot work.
func (c RelayConfig) Validate() error {
	var errs []error
	if c.MaxBackoff != 0 && c.MinBackoff > c.MaxBackoff {
		errs = append(errs, fmt.Errorf("outbox relay %s: min_backoff %s is above max_backoff %s", c.Name, c.MinBackoff, c.MaxBackoff))
	}
	if c.MaxAttempts < 0 {
		errs = append(errs, fmt.Errorf("outbox relay %s: max_attempts %d must not be negative", c.Name, c.MaxAttempts))
	}
	if c.GatherWindow < 0 || c.GatherWindow > time.Second {
		errs = append(errs, fmt.Errorf("outbox relay %s: gather_window %s is outside 0 to 1s", c.Name, c.GatherWindow))
	}
	return errors.Join(errs...)
}

// Relay moves outbox rows to the broker. Several relays may run over one table
// (one per service replica): row locks with SKIP LOCKED make sure a row is
// published by one of them at a time, and a crash between publish and commit
// re-sends the row rather than losing it (at least once).
//
// Two kinds of failure are kept apart, by the error alone. A retriable one
// (the broker is unreachable, a partition's leader is moving, too few
// replicas are in sync, a timeout) is never charged to a row, whatever
// happened to the rest of its batch: the rows that went through are marked,
// the others stay STARTED, and the relay waits with jittered exponential
// backoff, cut short by the next NOTIFY. A Permanent error (the row cannot be
// mapped or encoded, the broker refuses that record) charges the row an
// attempt; after MaxAttempts it becomes FAILED, logged at ERROR with its saga
// id and reason, and the rows behind it flow on.
type Relay struct {
	store     Store
	publisher Publisher
	wake      <-chan struct{}
	cfg       RelayConfig
	log       *zap.Logger
}

// NewRelay returns a relay over store and publisher. wake, when not nil,
// signals that new rows were committed (PostgreSQL NOTIFY, see
// postgres.Listen); the relay then publishes at once instead of waiting for
// the next poll.
func NewRelay(store Store, publisher Publisher, wake <-chan struct{}, cfg RelayConfig, log *zap.Logger) *Relay {
	cfg.setDefaults()
	return &Relay{store: store, publisher: publisher, wake: wake, cfg: cfg, log: log.With(zap.String("relay", cfg.Name))}
}

// Run publishes until ctx is cancelled. It drains the table, then sleeps until
// it is woken or the poll interval passes.
func (r *Relay) Run(ctx context.Context) error {
	backoff := retry.NewBackoff(r.cfg.MinBackoff, r.cfg.MaxBackoff)
	ticker := time.NewTicker(r.cfg.PollInterval)
	defer ticker.Stop()
	for {
		err := r.Drain(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			wait := backoff.Next()
			r.log.Warn("outbox publish failed; retrying", zap.Error(err), zap.Duration("backoff", wait))
			if !retry.Sleep(ctx, wait, r.wake) {
				return nil
			}
			continue
		}
		backoff.Reset()
		select {
		case <-ctx.Done():
			return nil
		case <-r.wake:
			if r.cfg.GatherWindow > 0 && !retry.Sleep(ctx, r.cfg.GatherWindow, nil) {
				return nil
			}
		case <-ticker.C:
		}
	}
}

// Drain publishes batches until fewer rows than a full batch are waiting. It
// returns the error of a batch of which any row failed for a reason that may
// pass (the relay then backs off); rows that failed for good were charged an
// attempt and do not stop the drain.
func (r *Relay) Drain(ctx context.Context) error {
	for {
		claimed, err := r.store.Claim(ctx, r.cfg.BatchSize, r.publish)
		var rowsFailed *PublishError
		if errors.As(err, &rowsFailed) && rowsFailed.Transient != nil {
			return rowsFailed.Transient
		}
		if err != nil && rowsFailed == nil {
			return err
		}
		if claimed < r.cfg.BatchSize || ctx.Err() != nil {
			return nil
		}
	}
}

func (r *Relay) publish(ctx context.Context, batch []Message) ([]uuid.UUID, error) {
	errs := r.publisher.Publish(ctx, batch)
	if len(errs) != len(batch) {
		return nil, fmt.Errorf("publisher answered %d results for %d messages", len(errs), len(batch))
	}
	published := make([]uuid.UUID, 0, len(batch))
	var (
		permanent []int
		transient error
	)
	for i, err := range errs {
		switch {
		case err == nil:
			published = append(published, batch[i].ID)
		case IsPermanent(err):
			permanent = append(permanent, i)
		case transient == nil:
			// Cut off by shutdown, or a broker error that a later send can
			// cure (leader moving, too few in-sync replicas, a timeout): not
			// the row's fault, and never charged, even when rows of other
			// partitions went through.
			transient = fmt.Errorf("message %s not published: %w", batch[i].ID, err)
		}
	}
	if len(published) > 0 {
		r.log.Debug("outbox batch published", zap.Int("messages", len(published)))
	}
	if len(permanent) == 0 {
		if transient != nil {
			return published, fmt.Errorf("%d of %d messages not published: %w", len(batch)-len(published), len(batch), transient)
		}
		return published, nil
	}
	rowsFailed := &PublishError{Rows: make([]RowFailure, len(permanent)), Transient: transient}
	for j, i := range permanent {
		m, err := batch[i], errs[i]
		giveUp := m.Attempts+1 >= r.cfg.MaxAttempts
		rowsFailed.Rows[j] = RowFailure{ID: m.ID, Err: err, GiveUp: giveUp}
		fields := []zap.Field{zap.Stringer("message_id", m.ID), zap.Stringer("saga_id", m.SagaID),
			zap.Int("attempt", m.Attempts+1), zap.Int("max_attempts", r.cfg.MaxAttempts), zap.Error(err)}
		if giveUp {
			r.log.Error("outbox message cannot be published; marking it FAILED", fields...)
		} else {
			r.log.Warn("outbox message not published; it will be tried again", fields...)
		}
	}
	return published, rowsFailed
}
