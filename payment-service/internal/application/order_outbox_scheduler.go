package application

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// OrderOutboxScheduler publishes the order outbox to order-service: STARTED
// rows are sent through PaymentResponseMessagePublisher and marked COMPLETED
// once the broker acknowledged them. It runs the infrastructure relay, which
// wakes on every committed answer and polls as a safety net.
type OrderOutboxScheduler struct {
	relay *outbox.Relay
}

// NewOrderOutboxScheduler returns the scheduler; wake signals new rows (nil
// to rely on polling alone).
func NewOrderOutboxScheduler(store OrderOutboxStore, publisher PaymentResponseMessagePublisher, wake <-chan struct{},
	cfg outbox.RelayConfig, log *zap.Logger) *OrderOutboxScheduler {
	if cfg.Name == "" {
		cfg.Name = "order_outbox"
	}
	return &OrderOutboxScheduler{relay: outbox.NewRelay(store, publisher, wake, cfg, log)}
}

// Run publishes until ctx is cancelled.
func (s *OrderOutboxScheduler) Run(ctx context.Context) error { return s.relay.Run(ctx) }

// OrderOutboxCleanerScheduler removes (or archives) the order outbox rows the
// relay has published, on the configured interval.
type OrderOutboxCleanerScheduler struct {
	cleaner *outbox.Cleaner
}

// NewOrderOutboxCleanerScheduler returns the cleaner over store.
func NewOrderOutboxCleanerScheduler(store OrderOutboxStore, cfg outbox.CleanerConfig, log *zap.Logger) *OrderOutboxCleanerScheduler {
	if cfg.Name == "" {
		cfg.Name = "order_outbox"
	}
	return &OrderOutboxCleanerScheduler{cleaner: outbox.NewCleaner(store, cfg, log)}
}

// Run cleans until ctx is cancelled.
func (s *OrderOutboxCleanerScheduler) Run(ctx context.Context) error { return s.cleaner.Run(ctx) }
