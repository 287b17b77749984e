package application

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// RestaurantApprovalOutboxScheduler is the relay of order_approval_outbox:
// it publishes the approval requests and cancellations to the restaurants at
// the commit that writes them, and claims what that missed every poll
// interval (see outbox.Relay). The approval outbox repository hands it the
// rows it writes.
type RestaurantApprovalOutboxScheduler struct {
	*outbox.Relay
}

// NewRestaurantApprovalOutboxScheduler returns the scheduler over the
// order_approval_outbox store.
func NewRestaurantApprovalOutboxScheduler(store outbox.Store, publisher RestaurantApprovalRequestMessagePublisher, cfg outbox.RelayConfig, log *zap.Logger) *RestaurantApprovalOutboxScheduler {
	if cfg.Name == "" {
		cfg.Name = "order_approval_outbox"
	}
	return &RestaurantApprovalOutboxScheduler{Relay: outbox.NewRelay(store, publisher, cfg, log)}
}
