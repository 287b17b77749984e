package application

import "errors"

// ErrIdempotencyKeyReused is the cause of the kernel.ECodeInvalid error
// CreateOrder returns when an idempotency key comes back with a different
// command than the one it created an order for. Adapters find it with
// errors.Is to give it its own answer. A missing or duplicate row is
// kernel.ErrNotFound or kernel.ErrDuplicate, the same in every service.
var ErrIdempotencyKeyReused = errors.New("idempotency key reused for a different request")
