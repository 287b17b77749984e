package config

import "github.com/food-ordering-system/infrastructure/outbox"

// Outbox configures the relays ("schedulers") and cleaners of the two outbox
// tables.
type Outbox struct {
	PaymentRelay    outbox.RelayConfig   `mapstructure:"payment_relay"`
	ApprovalRelay   outbox.RelayConfig   `mapstructure:"approval_relay"`
	PaymentCleaner  outbox.CleanerConfig `mapstructure:"payment_cleaner"`
	ApprovalCleaner outbox.CleanerConfig `mapstructure:"approval_cleaner"`
	// Archive moves finished rows to <table>_archive instead of deleting them.
	Archive bool `mapstructure:"archive"`
}
