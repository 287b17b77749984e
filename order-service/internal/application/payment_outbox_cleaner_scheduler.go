package application

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// PaymentOutboxCleanerScheduler removes (or archives) payment_outbox rows
// that were published and whose saga is over.
type PaymentOutboxCleanerScheduler struct {
	cleaner *outbox.Cleaner
}

// NewPaymentOutboxCleanerScheduler returns the cleaner over the payment_outbox
// store, which decides what is finished.
func NewPaymentOutboxCleanerScheduler(store outbox.CleanerStore, cfg outbox.CleanerConfig, log *zap.Logger) *PaymentOutboxCleanerScheduler {
	if cfg.Name == "" {
		cfg.Name = "payment_outbox"
	}
	return &PaymentOutboxCleanerScheduler{cleaner: outbox.NewCleaner(store, cfg, log)}
}

// Run cleans until ctx is cancelled.
func (s *PaymentOutboxCleanerScheduler) Run(ctx context.Context) error { return s.cleaner.Run(ctx) }
