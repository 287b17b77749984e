package domain

import (
	"fmt"
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// RestaurantDomainService decides whether a restaurant approves an order.
// It is stateless; the time of the decision is passed in so the domain never
// reads a clock.
type RestaurantDomainService struct{}

// NewRestaurantDomainService returns the domain service.
func NewRestaurantDomainService() *RestaurantDomainService { return &RestaurantDomainService{} }

// ValidateOrder checks order against restaurant: the restaurant must be
// active, the order PAID, every product offered and available, and
// Σ price × quantity equal to the order's total. With no failure the result is
// an OrderApprovedEvent; otherwise an OrderRejectedEvent that carries every
// failure message.
func (s *RestaurantDomainService) ValidateOrder(restaurant *Restaurant, order OrderDetail, at time.Time) OrderApprovalEvent {
	failures := restaurant.validateOrder(order)
	return newOrderApprovalEvent(newOrderApproval(restaurant.ID(), order.OrderID(), failures), at)
}

// RejectUnknownRestaurant answers an order sent to a restaurant that does not
// exist. Such a request can never succeed, so it is rejected rather than
// retried.
func (s *RestaurantDomainService) RejectUnknownRestaurant(restaurantID kernel.RestaurantID, order OrderDetail, at time.Time) OrderApprovalEvent {
	failure := fmt.Sprintf("Restaurant with id %s not found!", restaurantID)
	return newOrderApprovalEvent(newOrderApproval(restaurantID, order.OrderID(), []string{failure}), at)
}

// RejectInvalidOrder answers a request that describes no acceptable order
// (NewOrderDetail refused it, or the request names no restaurant) with reason
// as the failure message. A business dead end is an answer, not a dead
// letter: order-service needs the rejection to compensate the payment.
func (s *RestaurantDomainService) RejectInvalidOrder(restaurantID kernel.RestaurantID, orderID kernel.OrderID, reason string, at time.Time) OrderApprovalEvent {
	return newOrderApprovalEvent(newOrderApproval(restaurantID, orderID, []string{reason}), at)
}
