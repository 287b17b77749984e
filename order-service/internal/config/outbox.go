package config

import "github.com/food-ordering-system/infrastructure/outbox"

// Outbox tunes the outbox tables' relays and cleaners, each under the name
// of its table.
type Outbox struct {
	Relays   OutboxRelays   `mapstructure:"relays"`
	Cleaners OutboxCleaners `mapstructure:"cleaners"`
	// Archive moves finished rows to <table>_archive instead of deleting
	// them.
	Archive bool `mapstructure:"archive"`
}

// OutboxRelays configures the relay of each outbox table.
type OutboxRelays struct {
	PaymentOutbox       outbox.RelayConfig `mapstructure:"payment_outbox"`
	OrderApprovalOutbox outbox.RelayConfig `mapstructure:"order_approval_outbox"`
}

// OutboxCleaners configures the cleaner of each outbox table.
type OutboxCleaners struct {
	PaymentOutbox       outbox.CleanerConfig `mapstructure:"payment_outbox"`
	OrderApprovalOutbox outbox.CleanerConfig `mapstructure:"order_approval_outbox"`
}
