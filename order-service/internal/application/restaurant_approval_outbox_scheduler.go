package application

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

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
