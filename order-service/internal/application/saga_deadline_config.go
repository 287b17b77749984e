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
	// last published (default 30s).
	ReplyTimeout time.Duration `mapstructure:"reply_timeout"`
	// MaxResends is how many times an unanswered payment or approval request
	// is sent again, under the same message id, before the saga compensates
	// (default 3). A refund request is sent again until it is answered.
	MaxResends int `mapstructure:"max_resends"`
	// MaxResendInterval caps the wait between two sends of an unanswered
	// refund request, which doubles from ReplyTimeout with each resend
	// (default 10m).
	MaxResendInterval time.Duration `mapstructure:"max_resend_interval"`
	// CheckInterval is how often overdue sagas are looked for (default 5s).
	CheckInterval time.Duration `mapstructure:"check_interval"`
	// BatchSize is the most overdue requests of each kind handled per check
	// (default 100).
	BatchSize int `mapstructure:"batch_size"`
	// StuckAfter is how long ago an order still PENDING, PAID or CANCELLING
	// must have been placed to count as stuck (GET /sagas/stuck,
	// fos_sagas_stuck; default DefaultStuckAfter). It does not change what
	// the deadlines do: it is where someone should start looking.
	StuckAfter time.Duration `mapstructure:"stuck_after"`
}

// DefaultStuckAfter is SagaDeadlineConfig.StuckAfter when none is set: a
// healthy saga ends within a second, and one still open after a minute has
// missed at least one answer (reply_timeout is 30s by default).
const DefaultStuckAfter = time.Minute

func (c *SagaDeadlineConfig) setDefaults() {
	if c.ReplyTimeout <= 0 {
		c.ReplyTimeout = 30 * time.Second
	}
	if c.MaxResends < 0 {
		c.MaxResends = 0
	}
	if c.MaxResendInterval <= 0 {
		c.MaxResendInterval = 10 * time.Minute
	}
	if c.MaxResendInterval < c.ReplyTimeout {
		c.MaxResendInterval = c.ReplyTimeout
	}
	if c.CheckInterval <= 0 {
		c.CheckInterval = 5 * time.Second
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 100
	}
	if c.StuckAfter <= 0 {
		c.StuckAfter = DefaultStuckAfter
	}
}

// Validate reports settings that cannot work.
func (c SagaDeadlineConfig) Validate() error {
	var errs []error
	if c.ReplyTimeout < 0 || c.CheckInterval < 0 || c.StuckAfter < 0 || c.MaxResendInterval < 0 {
		errs = append(errs, errors.New("saga.reply_timeout, saga.max_resend_interval, saga.check_interval and saga.stuck_after must not be negative"))
	}
	if c.MaxResends < 0 {
		errs = append(errs, fmt.Errorf("saga.max_resends %d must not be negative", c.MaxResends))
	}
	return errors.Join(errs...)
}
