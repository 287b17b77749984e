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

var (
	_ kernel.DomainEvent = OrderCreatedEvent{}
	_ kernel.DomainEvent = OrderPaidEvent{}
	_ kernel.DomainEvent = OrderCancelledEvent{}
)
