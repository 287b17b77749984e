package config

import "github.com/food-ordering-system/infrastructure/outbox"

// Outbox tunes the outbox tables' relays and cleaners, each under the name
// of its table.
type Outbox struct {
	Relays   OutboxRelays   `mapstructure:"relays"`
	Cleaners OutboxCleaners `mapstructure:"cleaners"`
	// Archive moves published rows to <table>_archive instead of deleting
	// them.
	Archive bool `mapstructure:"archive"`
}

// OutboxRelays configures the relay of each outbox table.
type OutboxRelays struct {
	OrderOutbox outbox.RelayConfig `mapstructure:"order_outbox"`
}

// OutboxCleaners configures the cleaner of each outbox table.
type OutboxCleaners struct {
	OrderOutbox outbox.CleanerConfig `mapstructure:"order_outbox"`
}
