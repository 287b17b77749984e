package application

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// PaymentOutboxScheduler publishes payment_outbox rows to payment-service as
// they are written (the relay is woken by wake) or at the latest every poll
// interval.
type PaymentOutboxScheduler struct {
	relay *outbox.Relay
}

// NewPaymentOutboxScheduler returns the scheduler over the payment_outbox
// store; wake may be nil (polling only).
func NewPaymentOutboxScheduler(store outbox.Store, publisher PaymentRequestMessagePublisher, wake <-chan struct{}, cfg outbox.RelayConfig, log *zap.Logger) *PaymentOutboxScheduler {
	if cfg.Name == "" {
		cfg.Name = "payment_outbox"
	}
	return &PaymentOutboxScheduler{relay: outbox.NewRelay(store, publisher, wake, cfg, log)}
}

// Run publishes until ctx is cancelled.
func (s *PaymentOutboxScheduler) Run(ctx context.Context) error { return s.relay.Run(ctx) }

// RestaurantApprovalOutboxScheduler publishes order_approval_outbox rows to
// the restaurants as they are written or at the latest every poll interval.
type RestaurantApprovalOutboxScheduler struct {
	relay *outbox.Relay
}

// NewRestaurantApprovalOutboxScheduler returns the scheduler over the
// order_approval_outbox store; wake may be nil (polling only).
func NewRestaurantApprovalOutboxScheduler(store outbox.Store, publisher RestaurantApprovalRequestMessagePublisher, wake <-chan struct{}, cfg outbox.RelayConfig, log *zap.Logger) *RestaurantApprovalOutboxScheduler {
	if cfg.Name == "" {
		cfg.Name = "order_approval_outbox"
	}
	return &RestaurantApprovalOutboxScheduler{relay: outbox.NewRelay(store, publisher, wake, cfg, log)}
}

// Run publishes until ctx is cancelled.
func (s *RestaurantApprovalOutboxScheduler) Run(ctx context.Context) error { return s.relay.Run(ctx) }

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

// RestaurantApprovalOutboxCleanerScheduler removes (or archives)
// order_approval_outbox rows that were published and whose saga is over.
type RestaurantApprovalOutboxCleanerScheduler struct {
	cleaner *outbox.Cleaner
}

// NewRestaurantApprovalOutboxCleanerScheduler returns the cleaner over the
// order_approval_outbox store, which decides what is finished.
func NewRestaurantApprovalOutboxCleanerScheduler(store outbox.CleanerStore, cfg outbox.CleanerConfig, log *zap.Logger) *RestaurantApprovalOutboxCleanerScheduler {
	if cfg.Name == "" {
		cfg.Name = "order_approval_outbox"
	}
	return &RestaurantApprovalOutboxCleanerScheduler{cleaner: outbox.NewCleaner(store, cfg, log)}
}

// Run cleans until ctx is cancelled.
func (s *RestaurantApprovalOutboxCleanerScheduler) Run(ctx context.Context) error {
	return s.cleaner.Run(ctx)
}
