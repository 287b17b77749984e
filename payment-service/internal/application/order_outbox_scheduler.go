package application

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// orderOutbox names the order outbox's relay and cleaner in their logs.
const orderOutbox = "order_outbox"

// OrderOutboxScheduler is the relay of order_outbox: it publishes the
// payment answers to order-service at the commit that writes them, and claims what
// that missed every poll interval (see outbox.Relay). The order outbox
// repository hands it the rows it writes.
type OrderOutboxScheduler struct {
	*outbox.Relay
}

// NewOrderOutboxScheduler returns the scheduler over the order_outbox store.
func NewOrderOutboxScheduler(store outbox.Store, publisher PaymentResponseMessagePublisher, cfg outbox.RelayConfig, log *zap.Logger) *OrderOutboxScheduler {
	if cfg.Name == "" {
		cfg.Name = orderOutbox
	}
	return &OrderOutboxScheduler{Relay: outbox.NewRelay(store, publisher, cfg, log)}
}
