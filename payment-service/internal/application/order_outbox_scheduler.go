package application

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// orderOutbox names the order outbox's relay and cleaner in their logs.
const orderOutbox = "order_outbox"

// OrderOutboxScheduler publishes the order outbox to order-service: STARTED
// rows are sent through PaymentResponseMessagePublisher and marked COMPLETED
// once the broker acknowledged them. It runs the infrastructure relay, which
// wakes on every committed answer and polls as a safety net.
type OrderOutboxScheduler struct {
	relay *outbox.Relay
}

// NewOrderOutboxScheduler returns the scheduler; wake signals new rows (nil
// to rely on polling alone).
func NewOrderOutboxScheduler(store outbox.Store, publisher PaymentResponseMessagePublisher, wake <-chan struct{},
	cfg outbox.RelayConfig, log *zap.Logger) *OrderOutboxScheduler {
	if cfg.Name == "" {
		cfg.Name = orderOutbox
	}
	return &OrderOutboxScheduler{relay: outbox.NewRelay(store, publisher, wake, cfg, log)}
}

// Run publishes until ctx is cancelled.
func (s *OrderOutboxScheduler) Run(ctx context.Context) error { return s.relay.Run(ctx) }
