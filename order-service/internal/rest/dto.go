package rest

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// createOrderRequest is the body of POST /orders. Pointers tell a missing
// field from a zero one.
type createOrderRequest struct {
	CustomerID   *string              `json:"customerId"`
	RestaurantID *string              `json:"restaurantId"`
	Address      *orderAddressRequest `json:"address"`
	Price        *kernel.Money        `json:"price"`
	Items        []orderItemRequest   `json:"items"`
}

type orderAddressRequest struct {
	Street     string `json:"street"`
	PostalCode string `json:"postalCode"`
	City       string `json:"city"`
}

type orderItemRequest struct {
	ProductID *string       `json:"productId"`
	Quantity  *int          `json:"quantity"`
	Price     *kernel.Money `json:"price"`
	SubTotal  *kernel.Money `json:"subTotal"`
}

// createOrderResponse is the body of a 201 to POST /orders.
type createOrderResponse struct {
	OrderTrackingID string `json:"orderTrackingId"`
	OrderStatus     string `json:"orderStatus"`
	Message         string `json:"message"`
}

// trackOrderResponse is the body of a 200 to GET /orders/{trackingId}.
type trackOrderResponse struct {
	OrderID         string   `json:"orderId"`
	OrderTrackingID string   `json:"orderTrackingId"`
	OrderStatus     string   `json:"orderStatus"`
	FailureMessages []string `json:"failureMessages"`
}

// orderTimelineResponse is the body of a 200 to
// GET /orders/{trackingId}/timeline.
type orderTimelineResponse struct {
	OrderID         string          `json:"orderId"`
	OrderTrackingID string          `json:"orderTrackingId"`
	OrderStatus     string          `json:"orderStatus"`
	Complete        bool            `json:"complete"`
	Steps           []timelineEntry `json:"steps"`
}

type timelineEntry struct {
	Step   string    `json:"step"`
	At     time.Time `json:"at"`
	Detail string    `json:"detail"`
}

// stuckSagasResponse is the body of a 200 to GET /sagas/stuck.
type stuckSagasResponse struct {
	StuckAfterSeconds float64     `json:"stuckAfterSeconds"`
	Sagas             []stuckSaga `json:"sagas"`
}

type stuckSaga struct {
	OrderID         string    `json:"orderId"`
	OrderTrackingID string    `json:"orderTrackingId"`
	OrderStatus     string    `json:"orderStatus"`
	CreatedAt       time.Time `json:"createdAt"`
	StatusSince     time.Time `json:"statusSince"`
	WaitingFor      string    `json:"waitingFor"`
	Resends         int       `json:"resends"`
	FailureMessages []string  `json:"failureMessages"`
}
