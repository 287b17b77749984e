package application

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// RestaurantApprovalOutboxScheduler is the relay of order_approval_outbox: it publishes the approval requests and
// cancellations to the restaurants at the commit that writes
// them, and claims what that missed every poll interval. It is an
// outbox.Relay, named as the walkthrough names it; the approval outbox repository
// hands it the rows it writes.
type RestaurantApprovalOutboxScheduler = outbox.Relay

// NewRestaurantApprovalOutboxScheduler returns the relay of order_approval_outbox, publishing with publisher.
func NewRestaurantApprovalOutboxScheduler(store outbox.Store, publisher RestaurantApprovalRequestMessagePublisher, cfg outbox.RelayConfig, log *zap.Logger) *RestaurantApprovalOutboxScheduler {
	return outbox.NewRelay(store, publisher, cfg, log)
}
