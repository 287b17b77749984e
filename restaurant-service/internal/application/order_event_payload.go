package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// OrderEventPayload is the answer kept in an order_outbox row's payload
// column, as JSON. The messaging adapter turns it into the
// restaurant-approval-response message.
type OrderEventPayload struct {
	OrderID kernel.OrderID `json:"orderId"`
	// RestaurantID is zero in the rejection of a request that named no
	// restaurant; omitted then, because a kernel id refuses to decode the nil
	// uuid and the answer would never be published.
	RestaurantID        kernel.RestaurantID        `json:"restaurantId,omitzero"`
	CreatedAt           time.Time                  `json:"createdAt"`
	OrderApprovalStatus kernel.OrderApprovalStatus `json:"orderApprovalStatus"`
	FailureMessages     []string                   `json:"failureMessages"`
}
