package domain

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// OrderEvent is what happened to an order: an OrderCreatedEvent,
// OrderPaidEvent or OrderCancelledEvent. The application turns each into the
// outbox message of the saga's next step.
type OrderEvent interface {
	kernel.DomainEvent
	// Order is the order the event is about, in its state after the event.
	Order() *Order
}

// orderEvent is what every OrderEvent carries: the order and when it
// happened.
type orderEvent struct {
	order     *Order
	createdAt time.Time
}

// Order is the order the event is about, in its state after the event.
func (e orderEvent) Order() *Order { return e.order }

// CreatedAt is when the event happened (UTC, microseconds).
func (e orderEvent) CreatedAt() time.Time { return e.createdAt }

var (
	_ OrderEvent = OrderCreatedEvent{}
	_ OrderEvent = OrderPaidEvent{}
	_ OrderEvent = OrderCancelledEvent{}
)
