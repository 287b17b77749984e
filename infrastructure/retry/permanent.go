package retry

import "errors"

// permanentError is an error that Permanent marked.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as one that no retry can cure. A Kafka consumer sends
// a record whose handler returns it to the dead-letter topic at once
// (kafka.Classify); an outbox relay charges the row it names an attempt, and
// only such an error does (outbox.Relay). Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err: err}
}

// IsPermanent reports whether err, or an error it wraps, was marked with
// Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}
