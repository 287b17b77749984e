// Package retry holds the one backoff policy of the system: exponential, with
// jitter so that replicas and partitions that failed together do not retry in
// step, capped, and reset after a success. It wraps cenkalti/backoff so that
// callers state only the bounds. Permanent marks the errors no retry can
// cure, for the consumers and the outbox relays alike.
package retry

import (
	"context"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// Backoff is an exponential wait with ±25 % jitter between min and max.
// Next returns the wait before the next try; Reset starts again from min.
// It is not safe for concurrent use: each retrying loop owns one.
type Backoff struct {
	exp *backoff.ExponentialBackOff
}

// NewBackoff returns a backoff that starts near min, doubles after each
// failure and never waits more than max (plus jitter).
func NewBackoff(min, max time.Duration) *Backoff {
	exp := backoff.NewExponentialBackOff()
	exp.InitialInterval = min
	exp.MaxInterval = max
	exp.Multiplier = 2
	exp.RandomizationFactor = 0.25
	exp.Reset()
	return &Backoff{exp: exp}
}

// Next returns how long to wait before the next try.
func (b *Backoff) Next() time.Duration { return b.exp.NextBackOff() }

// Reset makes the next wait the shortest again, after a success.
func (b *Backoff) Reset() { b.exp.Reset() }

// Sleep waits d, or less when ctx ends or wake fires (a nil wake never
// fires). It reports whether the caller should go on: false only when ctx
// ended.
func Sleep(ctx context.Context, d time.Duration, wake <-chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-wake:
		return true
	case <-t.C:
		return true
	}
}
