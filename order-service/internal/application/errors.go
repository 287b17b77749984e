package application

import "errors"

// Sentinels of the application; match them with errors.Is.
var (
	// ErrNotFound is returned (wrapped) by repositories when the row asked
	// for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrDuplicate is returned (wrapped) by repositories when a unique index
	// refused the row: an earlier or concurrent command stored it first.
	ErrDuplicate = errors.New("duplicate")
	// ErrIdempotencyKeyReused is the cause of the kernel.ECodeInvalid error
	// CreateOrder returns when an idempotency key comes back with a different
	// command than the one it created an order for. Adapters find it with
	// errors.Is to give it its own answer.
	ErrIdempotencyKeyReused = errors.New("idempotency key reused for a different request")
)

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
