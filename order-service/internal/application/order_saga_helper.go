package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/saga"
	"github.com/food-ordering-system/order-service/internal/domain"
)

// OrderSagaHelper holds what both saga steps do with the order.
type OrderSagaHelper struct {
	orders OrderRepository
}

// NewOrderSagaHelper returns the helper over the order repository.
func NewOrderSagaHelper(orders OrderRepository) *OrderSagaHelper {
	return &OrderSagaHelper{orders: orders}
}

// FindOrder returns the order a reply is about. A reply naming an unknown
// order can never be handled: the error is kernel.ECodeInvalid.
func (h *OrderSagaHelper) FindOrder(ctx context.Context, id kernel.OrderID) (*domain.Order, error) {
	order, err := h.orders.FindByID(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, kernel.WrapError(kernel.ECodeInvalid, err, fmt.Sprintf("Order with id: %s could not be found!", id))
	}
	if err != nil {
		return nil, fmt.Errorf("find order %s: %w", id, err)
	}
	return order, nil
}

// FindReplyOrder returns the order a reply of the saga names, once it is
// sure that it is the order the saga's own rows are about: acting on another
// would move the wrong order with this saga's rows. A reply naming another
// order, or an unknown one, can never be handled: the error is
// kernel.ECodeInvalid, so the reply is dead-lettered.
func (h *OrderSagaHelper) FindReplyOrder(ctx context.Context, sagaID kernel.SagaID, replyOrderID, sagaOrderID kernel.OrderID) (*domain.Order, error) {
	if replyOrderID != sagaOrderID {
		return nil, kernel.Errorf(kernel.ECodeInvalid, "reply of saga %s names order %s, but the saga is about order %s",
			sagaID, replyOrderID, sagaOrderID)
	}
	return h.FindOrder(ctx, replyOrderID)
}

// SaveOrder stores the order's new status; a concurrent change of the same
// order is a kernel.ECodeConflict error, and the whole step is then retried.
func (h *OrderSagaHelper) SaveOrder(ctx context.Context, order *domain.Order) error {
	if err := h.orders.Update(ctx, order); err != nil {
		return fmt.Errorf("save order %s: %w", order.ID(), err)
	}
	return nil
}

// OrderStatusToSagaStatus is where the saga stands once the order is in
// status: PAID → PROCESSING, APPROVED → SUCCEEDED, CANCELLING → COMPENSATING,
// CANCELLED → COMPENSATED, otherwise STARTED.
func OrderStatusToSagaStatus(status kernel.OrderStatus) saga.Status {
	switch status {
	case kernel.OrderStatusPaid:
		return saga.StatusProcessing
	case kernel.OrderStatusApproved:
		return saga.StatusSucceeded
	case kernel.OrderStatusCancelling:
		return saga.StatusCompensating
	case kernel.OrderStatusCancelled:
		return saga.StatusCompensated
	default:
		return saga.StatusStarted
	}
}
