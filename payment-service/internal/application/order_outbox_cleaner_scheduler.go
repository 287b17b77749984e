package application

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// OrderOutboxCleanerScheduler removes (or archives) the order outbox rows the
// relay has published, on the configured interval.
type OrderOutboxCleanerScheduler struct {
	cleaner *outbox.Cleaner
}

// NewOrderOutboxCleanerScheduler returns the cleaner over store.
func NewOrderOutboxCleanerScheduler(store outbox.CleanerStore, cfg outbox.CleanerConfig, log *zap.Logger) *OrderOutboxCleanerScheduler {
	if cfg.Name == "" {
		cfg.Name = orderOutbox
	}
	return &OrderOutboxCleanerScheduler{cleaner: outbox.NewCleaner(store, cfg, log)}
}

// Run cleans until ctx is cancelled.
func (s *OrderOutboxCleanerScheduler) Run(ctx context.Context) error { return s.cleaner.Run(ctx) }
