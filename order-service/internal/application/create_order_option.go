package application

// CreateOrderOption configures an OrderCreateHelper.
type CreateOrderOption func(*OrderCreateHelper)

// WithIdempotencyKeys makes the helper remember the idempotency key of every
// order it creates in keys and answer a repeated key with the first order.
// Without it a command that carries a key is refused as an internal error:
// quietly creating a second order for a client's retry would be worse.
func WithIdempotencyKeys(keys IdempotencyKeyRepository) CreateOrderOption {
	return func(h *OrderCreateHelper) { h.keys = keys }
}
