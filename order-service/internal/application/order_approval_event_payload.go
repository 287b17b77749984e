package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// OrderApprovalEventPayload is the approval request an
// OrderApprovalOutboxMessage carries, as stored in its payload column.
type OrderApprovalEventPayload struct {
	OrderID               kernel.OrderID               `json:"orderId"`
	RestaurantID          kernel.RestaurantID          `json:"restaurantId"`
	Price                 kernel.Money                 `json:"price"`
	CreatedAt             time.Time                    `json:"createdAt"`
	RestaurantOrderStatus kernel.RestaurantOrderStatus `json:"restaurantOrderStatus"`
	Products              []OrderApprovalEventProduct  `json:"products"`
}
