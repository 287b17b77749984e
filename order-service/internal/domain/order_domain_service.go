package domain

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// OrderDomainService applies the order rules that need more than the order
// itself (the restaurant) and stamps the events the order's changes produce.
type OrderDomainService struct {
	now func() time.Time
}

// NewOrderDomainService returns the service; now is the clock that stamps
// events (time.Now when nil).
func NewOrderDomainService(now func() time.Time) *OrderDomainService {
	if now == nil {
		now = time.Now
	}
	return &OrderDomainService{now: now}
}

// ValidateAndInitiateOrder checks that the restaurant is active, confirms each
// item's product name and price from the restaurant's catalog, validates the
// order and initializes it PENDING.
func (s *OrderDomainService) ValidateAndInitiateOrder(order *Order, restaurant Restaurant) (OrderCreatedEvent, error) {
	if !restaurant.active {
		return OrderCreatedEvent{}, kernel.Invalid(ErrInvalidRestaurant, "Restaurant with id %s is currently not active!", restaurant.id)
	}
	order.confirmProducts(restaurant)
	if err := order.Validate(); err != nil {
		return OrderCreatedEvent{}, err
	}
	if err := order.Initialize(); err != nil {
		return OrderCreatedEvent{}, err
	}
	return OrderCreatedEvent{s.event(order)}, nil
}

// PayOrder marks the order PAID.
func (s *OrderDomainService) PayOrder(order *Order) (OrderPaidEvent, error) {
	if err := order.Pay(); err != nil {
		return OrderPaidEvent{}, err
	}
	return OrderPaidEvent{s.event(order)}, nil
}

// ApproveOrder marks the order APPROVED: the saga's happy end.
func (s *OrderDomainService) ApproveOrder(order *Order) error {
	return order.Approve()
}

// CancelOrderPayment starts cancelling an order whose payment may have been
// taken (the restaurant refused it, or a reply never came): the order becomes
// CANCELLING and its payment must be refunded.
func (s *OrderDomainService) CancelOrderPayment(order *Order, failureMessages []string) (OrderCancelledEvent, error) {
	if err := order.InitCancel(failureMessages); err != nil {
		return OrderCancelledEvent{}, err
	}
	return OrderCancelledEvent{s.event(order)}, nil
}

// RefuseLateApproval handles a restaurant's approval of an order that was
// cancelled meanwhile (the saga stopped waiting for the answer): the order
// stays as it is, and the event is the cancellation the restaurant must hear
// of, since it now holds an approval of an order that will not come.
func (s *OrderDomainService) RefuseLateApproval(order *Order) (OrderCancelledEvent, error) {
	if err := order.RefuseApproval(); err != nil {
		return OrderCancelledEvent{}, err
	}
	return OrderCancelledEvent{s.event(order)}, nil
}

// FailOrderRefund records that the order's refund was refused; the order
// stays CANCELLING for an operator to settle.
func (s *OrderDomainService) FailOrderRefund(order *Order, failureMessages []string) error {
	return order.FailRefund(failureMessages)
}

// CancelOrder marks the order CANCELLED: its payment failed or was refunded.
func (s *OrderDomainService) CancelOrder(order *Order, failureMessages []string) error {
	return order.Cancel(failureMessages)
}

func (s *OrderDomainService) event(order *Order) orderEvent {
	return orderEvent{order: order, createdAt: kernel.EventTime(s.now())}
}
