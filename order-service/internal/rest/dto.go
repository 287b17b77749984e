package rest

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// CreateOrderRequest is the body of POST /orders. Pointers tell a missing
// field from a zero one.
type CreateOrderRequest struct {
	CustomerID   *string              `json:"customerId"`
	RestaurantID *string              `json:"restaurantId"`
	Address      *OrderAddressRequest `json:"address"`
	Price        *kernel.Money        `json:"price"`
	Items        []OrderItemRequest   `json:"items"`
}

// OrderAddressRequest is the delivery address of a CreateOrderRequest.
type OrderAddressRequest struct {
	Street     string `json:"street"`
	PostalCode string `json:"postalCode"`
	City       string `json:"city"`
}

// OrderItemRequest is one item of a CreateOrderRequest.
type OrderItemRequest struct {
	ProductID *string       `json:"productId"`
	Quantity  *int          `json:"quantity"`
	Price     *kernel.Money `json:"price"`
	SubTotal  *kernel.Money `json:"subTotal"`
}

// CreateOrderResponse is the body of a 201 to POST /orders.
type CreateOrderResponse struct {
	OrderTrackingID string `json:"orderTrackingId"`
	OrderStatus     string `json:"orderStatus"`
	Message         string `json:"message"`
}

// TrackOrderResponse is the body of a 200 to GET /orders/{trackingId}.
type TrackOrderResponse struct {
	OrderID         string   `json:"orderId"`
	OrderTrackingID string   `json:"orderTrackingId"`
	OrderStatus     string   `json:"orderStatus"`
	FailureMessages []string `json:"failureMessages"`
}

// OrderTimelineResponse is the body of a 200 to
// GET /orders/{trackingId}/timeline.
type OrderTimelineResponse struct {
	OrderID         string                  `json:"orderId"`
	OrderTrackingID string                  `json:"orderTrackingId"`
	OrderStatus     string                  `json:"orderStatus"`
	Complete        bool                    `json:"complete"`
	Steps           []TimelineEntryResponse `json:"steps"`
}

// TimelineEntryResponse is one step of an OrderTimelineResponse.
type TimelineEntryResponse struct {
	Step   string    `json:"step"`
	At     time.Time `json:"at"`
	Detail string    `json:"detail"`
}

// StuckSagasResponse is the body of a 200 to GET /sagas/stuck.
type StuckSagasResponse struct {
	StuckAfterSeconds float64             `json:"stuckAfterSeconds"`
	Sagas             []StuckSagaResponse `json:"sagas"`
}

// StuckSagaResponse is one saga of a StuckSagasResponse.
type StuckSagaResponse struct {
	OrderID         string    `json:"orderId"`
	OrderTrackingID string    `json:"orderTrackingId"`
	OrderStatus     string    `json:"orderStatus"`
	CreatedAt       time.Time `json:"createdAt"`
	StatusSince     time.Time `json:"statusSince"`
	WaitingFor      string    `json:"waitingFor"`
	Resends         int       `json:"resends"`
	FailureMessages []string  `json:"failureMessages"`
}
