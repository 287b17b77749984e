package application

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// PaymentOutboxCleanerScheduler removes (or archives) payment_outbox rows that were published and whose saga
// is over, on the configured interval. It is an outbox.Cleaner; its store
// decides what is finished.
type PaymentOutboxCleanerScheduler = outbox.Cleaner

// NewPaymentOutboxCleanerScheduler returns the cleaner of payment_outbox.
func NewPaymentOutboxCleanerScheduler(store outbox.CleanerStore, cfg outbox.CleanerConfig, log *zap.Logger) *PaymentOutboxCleanerScheduler {
	return outbox.NewCleaner(store, cfg, log)
}
