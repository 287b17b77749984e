package rest

// OrderApprovalResponse is the body of GET /orders/{orderId}/approval.
type OrderApprovalResponse struct {
	OrderID             string   `json:"orderId"`
	RestaurantID        string   `json:"restaurantId"`
	OrderApprovalStatus string   `json:"orderApprovalStatus"`
	FailureMessages     []string `json:"failureMessages"`
}
