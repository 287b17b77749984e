// Package saga holds the vocabulary of the order saga that every service
// shares: the status a saga is in and the contract of one saga step.
package saga

import (
	"context"
	"fmt"
)

// Status is where one saga instance stands. order-service keeps it on its
// outbox rows; it decides which messages are still expected and which are
// duplicates.
type Status string

// Saga statuses, as in the original system.
const (
	// StatusStarted: the first request (payment) was written, nothing answered yet.
	StatusStarted Status = "STARTED"
	// StatusProcessing: the payment succeeded, the restaurant has not answered.
	StatusProcessing Status = "PROCESSING"
	// StatusSucceeded: the restaurant approved; the saga is over.
	StatusSucceeded Status = "SUCCEEDED"
	// StatusCompensating: the restaurant rejected; a refund was requested.
	StatusCompensating Status = "COMPENSATING"
	// StatusCompensated: the refund was made and the order cancelled.
	StatusCompensated Status = "COMPENSATED"
	// StatusFailed: the refund was refused or never confirmed; the order
	// stays CANCELLING and an operator must settle it.
	StatusFailed Status = "FAILED"
)

// OrderSagaName is the type of every outbox row and message of the order
// saga, in every service.
const OrderSagaName = "OrderProcessingSaga"

// Valid reports whether s is a declared status.
func (s Status) Valid() bool {
	switch s {
	case StatusStarted, StatusProcessing, StatusSucceeded, StatusCompensating, StatusCompensated, StatusFailed:
		return true
	}
	return false
}

// ParseStatus converts stored text into a Status.
func ParseStatus(text string) (Status, error) {
	s := Status(text)
	if !s.Valid() {
		return "", fmt.Errorf("unknown saga status %q", text)
	}
	return s, nil
}

// Step is one step of a saga: Process moves the saga forward on a reply of
// type T, Rollback compensates when the reply says the step failed. Both must
// be idempotent, since replies arrive at least once.
type Step[T any] interface {
	Process(ctx context.Context, reply T) error
	Rollback(ctx context.Context, reply T) error
}
