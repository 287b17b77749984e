package application

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// OrderOutboxCleanerScheduler removes (or archives) the order outbox rows the
// relay has published, on the configured interval. It is an outbox.Cleaner,
// named as the walkthrough names it.
type OrderOutboxCleanerScheduler = outbox.Cleaner

// NewOrderOutboxCleanerScheduler returns the cleaner of order_outbox.
func NewOrderOutboxCleanerScheduler(store outbox.CleanerStore, cfg outbox.CleanerConfig, log *zap.Logger) *OrderOutboxCleanerScheduler {
	return outbox.NewCleaner(store, cfg, log)
}
