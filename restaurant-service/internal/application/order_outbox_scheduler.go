package application

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// OrderOutboxScheduler publishes the order_outbox answers to order-service:
// the infrastructure relay over the table and the response publisher. It
// wakes on new rows (wake) and polls as a safety net. A batch that fails as a
// whole (the broker is down) is retried with backoff; a message that fails on
// its own is tried again up to the relay's max attempts, then marked FAILED.
type OrderOutboxScheduler struct {
	relay *outbox.Relay
}

// NewOrderOutboxScheduler returns the scheduler. wake may be nil (polling
// only).
func NewOrderOutboxScheduler(
	store outbox.Store,
	publisher RestaurantApprovalResponseMessagePublisher,
	wake <-chan struct{},
	cfg outbox.RelayConfig,
	log *zap.Logger,
) *OrderOutboxScheduler {
	if cfg.Name == "" {
		cfg.Name = "order_outbox"
	}
	return &OrderOutboxScheduler{relay: outbox.NewRelay(store, publisher, wake, cfg, log)}
}

// Run publishes until ctx is cancelled.
func (s *OrderOutboxScheduler) Run(ctx context.Context) error { return s.relay.Run(ctx) }
