package outbox

import (
	"context"
	"time"

	"go.uber.org/zap"
)

// CleanerStore removes finished rows from an outbox table, or moves them to
// the table's archive where the adapter is so configured. What "finished"
// means is the service's call (order-service also waits for the saga's end).
type CleanerStore interface {
	CleanFinished(ctx context.Context) (removed int64, err error)
}

// CleanerConfig tunes a Cleaner.
type CleanerConfig struct {
	Name string `mapstructure:"name"`
	// Interval between two clean-ups.
	Interval time.Duration `mapstructure:"interval"`
}

// Cleaner periodically clears finished outbox rows so the tables the relays
// scan stay small.
type Cleaner struct {
	store CleanerStore
	cfg   CleanerConfig
	log   *zap.Logger
}

// NewCleaner returns a cleaner over store; the interval defaults to a minute.
func NewCleaner(store CleanerStore, cfg CleanerConfig, log *zap.Logger) *Cleaner {
	if cfg.Interval <= 0 {
		cfg.Interval = 10 * time.Second
	}
	if cfg.Name == "" {
		cfg.Name = "outbox"
	}
	return &Cleaner{store: store, cfg: cfg, log: log.With(zap.String("cleaner", cfg.Name))}
}

// Run cleans once per interval until ctx is cancelled. A failed clean-up is
// logged and tried again at the next tick: nothing depends on it promptly.
func (c *Cleaner) Run(ctx context.Context) error {
	ticker := time.NewTicker(c.cfg.Interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		removed, err := c.store.CleanFinished(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			c.log.Warn("outbox clean-up failed", zap.Error(err))
		case removed > 0:
			c.log.Info("outbox rows cleaned", zap.Int64("rows", removed))
		}
	}
}
