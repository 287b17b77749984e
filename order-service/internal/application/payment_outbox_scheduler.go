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
