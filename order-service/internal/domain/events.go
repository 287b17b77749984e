package domain

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// orderEvent is what the order events share: the order and when it happened.
type orderEvent struct {
	order     *Order
	createdAt time.Time
}

// Order returns the order the event is about, in its state after the event.
func (e orderEvent) Order() *Order { return e.order }

// CreatedAt returns when the event happened (UTC, microseconds).
func (e orderEvent) CreatedAt() time.Time { return e.createdAt }

// OrderCreatedEvent: a new order was validated and initialized PENDING; its
// payment must be requested.
type OrderCreatedEvent struct{ orderEvent }

// OrderPaidEvent: the order was paid; the restaurant's approval must be
// requested.
type OrderPaidEvent struct{ orderEvent }

// OrderCancelledEvent: a paid order was refused by the restaurant and is
// CANCELLING; its payment must be refunded.
type OrderCancelledEvent struct{ orderEvent }

var (
	_ kernel.DomainEvent = OrderCreatedEvent{}
	_ kernel.DomainEvent = OrderPaidEvent{}
	_ kernel.DomainEvent = OrderCancelledEvent{}
)
