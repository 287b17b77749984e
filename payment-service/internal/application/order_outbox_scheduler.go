package application

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// OrderOutboxScheduler is the relay of order_outbox: it publishes the
// payment answers to order-service at the commit that writes them, and
// claims what that missed every poll interval. It is an outbox.Relay, named
// as the walkthrough names it; the order outbox repository hands it the rows
// it writes.
type OrderOutboxScheduler = outbox.Relay

// NewOrderOutboxScheduler returns the relay of order_outbox, publishing with
// publisher.
func NewOrderOutboxScheduler(store outbox.Store, publisher PaymentResponseMessagePublisher, cfg outbox.RelayConfig, log *zap.Logger) *OrderOutboxScheduler {
	return outbox.NewRelay(store, publisher, cfg, log)
}
