package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// IdempotencyKey is a client's Idempotency-Key as it is remembered: the hash
// of the command it first came with and the order that command created. A
// key is the customer's own: another customer's same key is another order.
type IdempotencyKey struct {
	CustomerID kernel.CustomerID
	Key        string
	// RequestHash is CreateOrderCommand.RequestHash of the first command.
	RequestHash string
	OrderID     kernel.OrderID
	TrackingID  kernel.TrackingID
	// OrderStatus is the status the first answer gave.
	OrderStatus kernel.OrderStatus
	CreatedAt   time.Time
}
