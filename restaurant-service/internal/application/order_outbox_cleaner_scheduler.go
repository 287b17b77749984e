package application

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// OrderOutboxCleanerScheduler periodically removes published (COMPLETED)
// order_outbox rows, or archives them where the store is so configured.
type OrderOutboxCleanerScheduler struct {
	cleaner *outbox.Cleaner
}

// NewOrderOutboxCleanerScheduler returns the cleaner over store.
func NewOrderOutboxCleanerScheduler(store outbox.CleanerStore, cfg outbox.CleanerConfig, log *zap.Logger) *OrderOutboxCleanerScheduler {
	if cfg.Name == "" {
		cfg.Name = "order_outbox"
	}
	return &OrderOutboxCleanerScheduler{cleaner: outbox.NewCleaner(store, cfg, log)}
}

// Run cleans once per interval until ctx is cancelled.
func (s *OrderOutboxCleanerScheduler) Run(ctx context.Context) error { return s.cleaner.Run(ctx) }
