package application

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// PaymentOutboxScheduler is the relay of payment_outbox: it publishes the
// payment and refund requests to payment-service at the commit that writes
// them, and claims what that missed every poll interval (see outbox.Relay).
// The payment outbox repository hands it the rows it writes.
type PaymentOutboxScheduler struct {
	*outbox.Relay
}

// NewPaymentOutboxScheduler returns the scheduler over the payment_outbox
// store.
func NewPaymentOutboxScheduler(store outbox.Store, publisher PaymentRequestMessagePublisher, cfg outbox.RelayConfig, log *zap.Logger) *PaymentOutboxScheduler {
	if cfg.Name == "" {
		cfg.Name = "payment_outbox"
	}
	return &PaymentOutboxScheduler{Relay: outbox.NewRelay(store, publisher, cfg, log)}
}
