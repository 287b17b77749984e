package kernel

import (
	"errors"
	"fmt"
)

// ErrorCode classifies an error by what the caller can do about it. Adapters
// map codes to their protocol (HTTP status, retry or dead-letter) with one
// table; the layers below never know about those protocols.
type ErrorCode string

// The error codes. An error with no code is internal.
const (
	// ECodeInvalid: the input breaks a rule; sending it again will not help.
	ECodeInvalid ErrorCode = "invalid"
	// ECodeNotFound: the thing asked for does not exist.
	ECodeNotFound ErrorCode = "not_found"
	// ECodeConflict: the request races another change or repeats a finished one.
	ECodeConflict ErrorCode = "conflict"
	// ECodeUnavailable: a dependency is down; the same request may succeed later.
	ECodeUnavailable ErrorCode = "unavailable"
	// ECodeInternal: a fault of the system itself; its details are not for users.
	ECodeInternal ErrorCode = "internal"
)

// Sentinels of conditions the use cases act on, reported by every
// repository the same way (see NotFound and Duplicate); match them with
// errors.Is.
var (
	// ErrNotFound: the thing asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrDuplicate: a unique index refused the row, so an earlier or
	// concurrent request stored it first.
	ErrDuplicate = errors.New("duplicate")
)

// Error is an error with a code and a message meant for the user. Err, when
// set, is the cause kept for logs and errors.Is.
type Error struct {
	Code    ErrorCode
	Message string
	Err     error
}

// Errorf returns an *Error with the given code and formatted user message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with the given code and message that keeps err
// as its cause.
func WrapError(code ErrorCode, err error, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// Invalid returns the error of a request that broke rule, a sentinel the
// caller matches with errors.Is: kernel.ECodeInvalid, with the formatted
// message for the user (a 400, or a refusal the saga compensates).
func Invalid(rule error, format string, args ...any) *Error {
	return &Error{Code: ECodeInvalid, Message: fmt.Sprintf(format, args...), Err: rule}
}

// Internal returns the error of stored data that broke rule: a fault of the
// system, kernel.ECodeInternal, whose message users never see and which a
// consumer retries rather than parks.
func Internal(rule error, format string, args ...any) *Error {
	return &Error{Code: ECodeInternal, Message: fmt.Sprintf(format, args...), Err: rule}
}

// NotFound returns the error of a thing that does not exist:
// kernel.ECodeNotFound wrapping ErrNotFound, with the formatted message.
func NotFound(format string, args ...any) *Error {
	return &Error{Code: ECodeNotFound, Message: fmt.Sprintf(format, args...), Err: ErrNotFound}
}

// Duplicate returns the error of a row stored before, which a repeated or
// concurrent request meets: kernel.ECodeConflict (run again, the step sees
// the first one's work) wrapping ErrDuplicate and cause, when not nil.
func Duplicate(cause error, format string, args ...any) *Error {
	err := ErrDuplicate
	if cause != nil {
		err = fmt.Errorf("%w: %w", ErrDuplicate, cause)
	}
	return &Error{Code: ECodeConflict, Message: fmt.Sprintf(format, args...), Err: err}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrorCodeOf returns the code of the first *Error in err's chain, or
// ECodeInternal when there is none.
func ErrorCodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ECodeInternal
}

// ErrorMessageOf returns the user message of the first *Error in err's chain.
// Errors without a code are internal, and their text is never shown: the
// message is then "unexpected error".
func ErrorMessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != ECodeInternal {
		return e.Message
	}
	return "unexpected error"
}
