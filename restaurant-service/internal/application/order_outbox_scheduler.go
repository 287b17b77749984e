package application

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// OrderOutboxScheduler is the relay of order_outbox: it publishes the
// approval answers to order-service at the commit that writes them, and claims what
// that missed every poll interval (see outbox.Relay). The order outbox
// repository hands it the rows it writes.
type OrderOutboxScheduler struct {
	*outbox.Relay
}

// NewOrderOutboxScheduler returns the scheduler over the order_outbox store.
func NewOrderOutboxScheduler(store outbox.Store, publisher RestaurantApprovalResponseMessagePublisher, cfg outbox.RelayConfig, log *zap.Logger) *OrderOutboxScheduler {
	if cfg.Name == "" {
		cfg.Name = "order_outbox"
	}
	return &OrderOutboxScheduler{Relay: outbox.NewRelay(store, publisher, cfg, log)}
}
