// What a handler's error means for its record: retried, retried a bounded
// number of times, or dead-lettered at once.

package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/retry"
)

// panicError is a handler's panic turned into an error: a fault of the code
// on this one record, which a retry would only repeat.
type panicError struct{ value any }

func (e panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// Class says what the consumer does with a record whose handler failed.
type Class int

// The classes of handler errors.
const (
	// ClassUnknown: nothing says whether a retry can help. The record is
	// tried up to ConsumerConfig.MaxAttempts times, with backoff between,
	// then dead-lettered, so a bug cannot hold a partition for ever.
	ClassUnknown Class = iota
	// ClassTransient: the record is fine and a dependency is not (database
	// or broker down, serialization failure, timeout). The record is retried
	// with backoff until it is handled; it is never skipped.
	ClassTransient
	// ClassPermanent: the record can never be handled (undecodable, invalid,
	// breaks a data or integrity rule, made the handler panic). It goes to
	// the dead-letter topic at once.
	ClassPermanent
	// ClassConflict: the handler raced another change (a conflict, a
	// serialization failure, a deadlock); run again, it sees the winner's
	// change. It is retried with backoff like a transient error, but a
	// conflict that comes back on every try is no race, so it counts toward
	// ConsumerConfig.MaxAttempts and the record is then dead-lettered.
	ClassConflict
)

// String names the class in log lines.
func (c Class) String() string {
	switch c {
	case ClassTransient:
		return "transient"
	case ClassPermanent:
		return "permanent"
	case ClassConflict:
		return "conflict"
	default:
		return "unknown"
	}
}

// sqlStateError is what *pgconn.PgError offers, so that database errors are
// classified without this package depending on the driver.
type sqlStateError interface {
	error
	SQLState() string
}

// Classify decides the fate of a record whose handler returned err. The
// first rule that applies wins, most deliberate first:
//
//  1. retry.Permanent(err) or a panic: permanent.
//  2. A kernel code, the application's own judgement: ECodeInvalid is
//     permanent; ECodeUnavailable is transient; ECodeConflict is a conflict
//     (a race, and the step run again sees the winner's change, which is why
//     a unique violation the repositories report as a conflict is retried).
//  3. A PostgreSQL SQLSTATE: classes 22 (data exception: numeric overflow,
//     invalid text such as \u0000 in jsonb) and 23 (integrity constraint) are
//     permanent; class 40 (serialization failure, deadlock) is a conflict;
//     class 08 (connection), class 53 (insufficient resources), 57P01,
//     57P02, 57P03 and 57P05 (server shutting down or starting, session
//     killed), 25006 (read-only transaction: a standby after a failover),
//     55P03 (lock timeout) and 57014 (statement timeout) are transient, the
//     list postgres.IsUnavailable keeps.
//  4. context.DeadlineExceeded or a net.Error: transient.
//
// Anything else is ClassUnknown.
func Classify(err error) Class {
	if err == nil {
		return ClassUnknown
	}
	var panicked panicError
	if retry.IsPermanent(err) || errors.As(err, &panicked) {
		return ClassPermanent
	}
	switch kernel.ErrorCodeOf(err) {
	case kernel.ECodeInvalid:
		return ClassPermanent
	case kernel.ECodeUnavailable:
		return ClassTransient
	case kernel.ECodeConflict:
		return ClassConflict
	}
	var pg sqlStateError
	if errors.As(err, &pg) {
		state := pg.SQLState()
		switch {
		case strings.HasPrefix(state, "22"), strings.HasPrefix(state, "23"):
			return ClassPermanent
		case strings.HasPrefix(state, "40"):
			return ClassConflict
		case strings.HasPrefix(state, "08"), strings.HasPrefix(state, "53"),
			slices.Contains([]string{"57P01", "57P02", "57P03", "57P05", "25006", "55P03", "57014"}, state):
			return ClassTransient
		}
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) {
		return ClassTransient
	}
	return ClassUnknown
}

// IsPermanent reports whether err dead-letters its record at once.
func IsPermanent(err error) bool { return Classify(err) == ClassPermanent }

// IsTransient reports whether err leaves its record to be retried until it is
// handled.
func IsTransient(err error) bool { return Classify(err) == ClassTransient }
