package application

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// PaymentOutboxScheduler is the relay of payment_outbox: it publishes the payment and refund
// requests to payment-service at the commit that writes
// them, and claims what that missed every poll interval. It is an
// outbox.Relay, named as the walkthrough names it; the payment outbox repository
// hands it the rows it writes.
type PaymentOutboxScheduler = outbox.Relay

// NewPaymentOutboxScheduler returns the relay of payment_outbox, publishing with publisher.
func NewPaymentOutboxScheduler(store outbox.Store, publisher PaymentRequestMessagePublisher, cfg outbox.RelayConfig, log *zap.Logger) *PaymentOutboxScheduler {
	return outbox.NewRelay(store, publisher, cfg, log)
}
