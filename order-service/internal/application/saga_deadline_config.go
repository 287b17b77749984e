package application

import (
	"errors"
	"fmt"
	"time"
)

// SagaDeadlineConfig says how long a saga waits for an answer before it acts
// on its own. The zero value of each field takes its default.
type SagaDeadlineConfig struct {
	// ReplyTimeout is how long a request may stay unanswered after it was
	// last sent (default 30s).
	ReplyTimeout time.Duration `mapstructure:"reply_timeout"`
	// MaxResends is how many times an unanswered request is sent again,
	// under the same message id, before the saga compensates (default 3).
	MaxResends int `mapstructure:"max_resends"`
	// CheckInterval is how often overdue sagas are looked for (default 5s).
	CheckInterval time.Duration `mapstructure:"check_interval"`
	// BatchSize is the most overdue requests of each kind handled per check
	// (default 100).
	BatchSize int `mapstructure:"batch_size"`
}

func (c *SagaDeadlineConfig) setDefaults() {
	if c.ReplyTimeout <= 0 {
		c.ReplyTimeout = 30 * time.Second
	}
	if c.MaxResends < 0 {
		c.MaxResends = 0
	}
	if c.CheckInterval <= 0 {
		c.CheckInterval = 5 * time.Second
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 100
	}
}

// Validate reports settings that cannot work.
func (c SagaDeadlineConfig) Validate() error {
	var errs []error
	if c.ReplyTimeout < 0 || c.CheckInterval < 0 {
		errs = append(errs, errors.New("saga.reply_timeout and saga.check_interval must not be negative"))
	}
	if c.MaxResends < 0 {
		errs = append(errs, fmt.Errorf("saga.max_resends %d must not be negative", c.MaxResends))
	}
	return errors.Join(errs...)
}
