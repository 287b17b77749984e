package application

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// RestaurantApprovalOutboxCleanerScheduler removes (or archives)
// order_approval_outbox rows that were published and whose saga is over.
type RestaurantApprovalOutboxCleanerScheduler struct {
	cleaner *outbox.Cleaner
}

// NewRestaurantApprovalOutboxCleanerScheduler returns the cleaner over the
// order_approval_outbox store, which decides what is finished.
func NewRestaurantApprovalOutboxCleanerScheduler(store outbox.CleanerStore, cfg outbox.CleanerConfig, log *zap.Logger) *RestaurantApprovalOutboxCleanerScheduler {
	if cfg.Name == "" {
		cfg.Name = "order_approval_outbox"
	}
	return &RestaurantApprovalOutboxCleanerScheduler{cleaner: outbox.NewCleaner(store, cfg, log)}
}

// Run cleans until ctx is cancelled.
func (s *RestaurantApprovalOutboxCleanerScheduler) Run(ctx context.Context) error {
	return s.cleaner.Run(ctx)
}
