package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// RestaurantApprovalRequest is order-service's request to approve a paid
// order, as the messaging adapter hands it over.
type RestaurantApprovalRequest struct {
	// ID is the message id, stable across re-sends.
	ID                    kernel.MessageID
	SagaID                kernel.SagaID
	RestaurantID          kernel.RestaurantID
	OrderID               kernel.OrderID
	RestaurantOrderStatus kernel.RestaurantOrderStatus
	Products              []OrderProduct
	Price                 kernel.Money
	CreatedAt             time.Time
}

// OrderProduct is one line of a request: which product and how many.
type OrderProduct struct {
	ID       kernel.ProductID
	Quantity int
}

// TrackOrderApprovalQuery asks for the restaurant's answer about an order.
type TrackOrderApprovalQuery struct {
	OrderID kernel.OrderID
}

// TrackOrderApprovalResponse is the restaurant's answer about an order.
type TrackOrderApprovalResponse struct {
	OrderID             kernel.OrderID
	RestaurantID        kernel.RestaurantID
	OrderApprovalStatus kernel.OrderApprovalStatus
	FailureMessages     []string
}
