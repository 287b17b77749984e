package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
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
	// MinBackoff and MaxBackoff bound the exponential wait after a failure.
	MinBackoff time.Duration `mapstructure:"min_backoff"`
	MaxBackoff time.Duration `mapstructure:"max_backoff"`
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
}

// Validate reports settings that cannot work.
func (c RelayConfig) Validate() error {
	if c.MaxBackoff != 0 && c.MinBackoff > c.MaxBackoff {
		return fmt.Errorf("outbox relay %s: min_backoff %s is above max_backoff %s", c.Name, c.MinBackoff, c.MaxBackoff)
	}
	return nil
}

// Relay moves outbox rows to the broker. Several relays may run over one table
// (one per service replica): row locks with SKIP LOCKED make sure a row is
// published by one of them at a time, and a crash between publish and commit
// re-sends the row rather than losing it (at least once).
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
// it is woken or the poll interval passes. After a failure it waits with
// exponential backoff and tries again; no row is ever skipped.
func (r *Relay) Run(ctx context.Context) error {
	backoff := r.cfg.MinBackoff
	ticker := time.NewTicker(r.cfg.PollInterval)
	defer ticker.Stop()
	for {
		err := r.Drain(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			r.log.Warn("outbox publish failed; retrying", zap.Error(err), zap.Duration("backoff", backoff))
			if !sleep(ctx, backoff) {
				return nil
			}
			backoff = min(backoff*2, r.cfg.MaxBackoff)
			continue
		}
		backoff = r.cfg.MinBackoff
		select {
		case <-ctx.Done():
			return nil
		case <-r.wake:
		case <-ticker.C:
		}
	}
}

// Drain publishes batches until fewer rows than a full batch are waiting. It
// returns the first error; rows not published stay STARTED.
func (r *Relay) Drain(ctx context.Context) error {
	for {
		claimed, err := r.store.Claim(ctx, r.cfg.BatchSize, r.publish)
		if err != nil {
			return err
		}
		if claimed < r.cfg.BatchSize {
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
	var failed []error
	for i, err := range errs {
		if err != nil {
			failed = append(failed, fmt.Errorf("message %s: %w", batch[i].ID, err))
			continue
		}
		published = append(published, batch[i].ID)
	}
	if len(published) > 0 {
		r.log.Debug("outbox batch published", zap.Int("messages", len(published)))
	}
	return published, errors.Join(failed...)
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
