package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// OrderEventPayload is the body of an order outbox message, stored as JSON;
// the messaging adapter turns it into the PaymentResponse contract.
type OrderEventPayload struct {
	// PaymentID and CustomerID are zero in the answer to a request that named
	// no customer, which has no payment; omitted then, because a kernel id
	// refuses to decode the nil uuid and the answer would never be published.
	PaymentID       kernel.PaymentID     `json:"paymentId,omitzero"`
	CustomerID      kernel.CustomerID    `json:"customerId,omitzero"`
	OrderID         kernel.OrderID       `json:"orderId"`
	Price           kernel.Money         `json:"price"`
	CreatedAt       time.Time            `json:"createdAt"`
	PaymentStatus   kernel.PaymentStatus `json:"paymentStatus"`
	FailureMessages []string             `json:"failureMessages"`
}
