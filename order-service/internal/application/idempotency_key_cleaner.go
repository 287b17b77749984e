package application

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// IdempotencyConfig says how long idempotency keys are kept. The zero value of
// each field takes its default.
type IdempotencyConfig struct {
	// Retention is how long a key answers a retry with its first order
	// (default 24h). A client that retries later than this creates a new
	// order.
	Retention time.Duration `mapstructure:"retention"`
	// CleanInterval is how often expired keys are removed (default 10m).
	CleanInterval time.Duration `mapstructure:"clean_interval"`
	// BatchSize is the most keys one statement removes (default 1000), so a
	// large backlog is removed in short statements.
	BatchSize int `mapstructure:"batch_size"`
}

func (c *IdempotencyConfig) setDefaults() {
	if c.Retention <= 0 {
		c.Retention = 24 * time.Hour
	}
	if c.CleanInterval <= 0 {
		c.CleanInterval = 10 * time.Minute
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 1000
	}
}

// Validate reports settings that cannot work.
func (c IdempotencyConfig) Validate() error {
	if c.Retention < 0 || c.CleanInterval < 0 || c.BatchSize < 0 {
		return errors.New("idempotency.retention, idempotency.clean_interval and idempotency.batch_size must not be negative")
	}
	return nil
}

// maxBatchesPerClean bounds one clean, so that a backlog larger than this
// many batches is finished by the next ones rather than in one long run.
const maxBatchesPerClean = 100

// IdempotencyKeyCleaner removes idempotency keys older than the retention, on
// an interval, in batches.
type IdempotencyKeyCleaner struct {
	keys IdempotencyKeyRepository
	cfg  IdempotencyConfig
	log  *zap.Logger
}

// NewIdempotencyKeyCleaner returns the cleaner of keys.
func NewIdempotencyKeyCleaner(keys IdempotencyKeyRepository, cfg IdempotencyConfig, log *zap.Logger) *IdempotencyKeyCleaner {
	cfg.setDefaults()
	return &IdempotencyKeyCleaner{keys: keys, cfg: cfg, log: log}
}

// Run cleans at once and then every CleanInterval until ctx is cancelled. A
// failed clean is logged and tried again at the next interval.
func (c *IdempotencyKeyCleaner) Run(ctx context.Context) error {
	ticker := time.NewTicker(c.cfg.CleanInterval)
	defer ticker.Stop()
	for {
		if _, err := c.Clean(ctx); err != nil && ctx.Err() == nil {
			c.log.Warn("removing expired idempotency keys failed; trying again at the next interval", zap.Error(err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// Clean removes the keys older than the retention, a batch at a time, and
// returns how many it removed.
func (c *IdempotencyKeyCleaner) Clean(ctx context.Context) (int64, error) {
	var total int64
	for range maxBatchesPerClean {
		deleted, err := c.keys.DeleteExpired(ctx, c.cfg.Retention, c.cfg.BatchSize)
		total += deleted
		if err != nil {
			return total, fmt.Errorf("delete expired idempotency keys: %w", err)
		}
		if deleted < int64(c.cfg.BatchSize) {
			break
		}
	}
	if total > 0 {
		c.log.Info("expired idempotency keys removed", zap.Int64("keys", total), zap.Duration("retention", c.cfg.Retention))
	}
	return total, nil
}
