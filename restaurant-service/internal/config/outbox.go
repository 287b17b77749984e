package config

import "github.com/food-ordering-system/infrastructure/outbox"

// Outbox tunes the order_outbox relay and cleaner.
type Outbox struct {
	Relay   outbox.RelayConfig   `mapstructure:"relay"`
	Cleaner outbox.CleanerConfig `mapstructure:"cleaner"`
	// Archive makes the cleaner move published rows to order_outbox_archive
	// instead of deleting them.
	Archive bool `mapstructure:"archive"`
}
