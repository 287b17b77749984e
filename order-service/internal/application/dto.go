package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// OrderItemCommand is one line of a CreateOrderCommand.
type OrderItemCommand struct {
	ProductID kernel.ProductID
	Quantity  int
	Price     kernel.Money
	SubTotal  kernel.Money
}

// OrderAddress is the delivery address of a CreateOrderCommand.
type OrderAddress struct {
	Street     string
	PostalCode string
	City       string
}

// CreateOrderResponse tells the client how to follow the new order.
type CreateOrderResponse struct {
	OrderTrackingID kernel.TrackingID
	OrderStatus     kernel.OrderStatus
	Message         string
	// Replayed is true when the order was created by an earlier command
	// with the same idempotency key, and this answer repeats that one's.
	Replayed bool
}

// TrackOrderQuery asks where an order stands.
type TrackOrderQuery struct {
	OrderTrackingID kernel.TrackingID
}

// TrackOrderResponse is where an order stands.
type TrackOrderResponse struct {
	OrderID         kernel.OrderID
	OrderTrackingID kernel.TrackingID
	OrderStatus     kernel.OrderStatus
	FailureMessages []string
}

// PaymentResponse is payment-service's answer to a payment request.
type PaymentResponse struct {
	ID              kernel.MessageID
	SagaID          kernel.SagaID
	OrderID         kernel.OrderID
	PaymentID       kernel.PaymentID
	CustomerID      kernel.CustomerID
	Price           kernel.Money
	CreatedAt       time.Time
	PaymentStatus   kernel.PaymentStatus
	FailureMessages []string
}

// RestaurantApprovalResponse is the restaurant's answer to an approval
// request.
type RestaurantApprovalResponse struct {
	ID                  kernel.MessageID
	SagaID              kernel.SagaID
	OrderID             kernel.OrderID
	RestaurantID        kernel.RestaurantID
	CreatedAt           time.Time
	OrderApprovalStatus kernel.OrderApprovalStatus
	FailureMessages     []string
}
