package application

import (
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// RestaurantApprovalOutboxCleanerScheduler removes (or archives) order_approval_outbox rows that were published and whose saga
// is over, on the configured interval. It is an outbox.Cleaner; its store
// decides what is finished.
type RestaurantApprovalOutboxCleanerScheduler = outbox.Cleaner

// NewRestaurantApprovalOutboxCleanerScheduler returns the cleaner of order_approval_outbox.
func NewRestaurantApprovalOutboxCleanerScheduler(store outbox.CleanerStore, cfg outbox.CleanerConfig, log *zap.Logger) *RestaurantApprovalOutboxCleanerScheduler {
	return outbox.NewCleaner(store, cfg, log)
}
