package rest

import "github.com/food-ordering-system/common/kernel"

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
