package application

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/order-service/internal/domain"
)

// OrderSagaHelper holds what both saga steps do with the order.
type OrderSagaHelper struct {
	orders  OrderRepository
	metrics SagaMetrics
}

// NewOrderSagaHelper returns the helper over the order repository; metrics
// is told of every saga that ends.
func NewOrderSagaHelper(orders OrderRepository, metrics SagaMetrics) *OrderSagaHelper {
	return &OrderSagaHelper{orders: orders, metrics: metrics}
}

// FindOrder returns the order a reply is about. A reply naming an unknown
// order can never be handled: the error is kernel.ECodeInvalid.
func (h *OrderSagaHelper) FindOrder(ctx context.Context, id kernel.OrderID) (*domain.Order, error) {
	order, err := h.orders.FindByID(ctx, id)
	if errors.Is(err, kernel.ErrNotFound) {
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

// EndSaga reports, inside the step's transaction, that the saga ended: the
// order where it now stands, the saga in sagaStatus. payments are the saga's
// payment rows; the first was written with the order, so its creation is
// when the saga began.
func (h *OrderSagaHelper) EndSaga(ctx context.Context, order *domain.Order, sagaStatus saga.Status, payments []*PaymentOutboxMessage) {
	h.metrics.SagaEnded(ctx, order.Status(), sagaStatus, sagaStart(payments))
}

// sagaStart is the creation of the saga's oldest payment row.
func sagaStart(payments []*PaymentOutboxMessage) time.Time {
	var start time.Time
	for _, p := range payments {
		if start.IsZero() || p.CreatedAt.Before(start) {
			start = p.CreatedAt
		}
	}
	return start
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
