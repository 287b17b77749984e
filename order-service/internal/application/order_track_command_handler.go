package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
)

// OrderTrackCommandHandler answers where an order stands.
type OrderTrackCommandHandler struct {
	orders OrderRepository
}

// NewOrderTrackCommandHandler returns the handler.
func NewOrderTrackCommandHandler(orders OrderRepository) *OrderTrackCommandHandler {
	return &OrderTrackCommandHandler{orders: orders}
}

// TrackOrder returns the order's id, status and failure messages; an unknown
// tracking id is a kernel.ECodeNotFound error.
func (h *OrderTrackCommandHandler) TrackOrder(ctx context.Context, query TrackOrderQuery) (TrackOrderResponse, error) {
	order, err := h.orders.FindByTrackingID(ctx, query.OrderTrackingID)
	if errors.Is(err, kernel.ErrNotFound) {
		return TrackOrderResponse{}, kernel.WrapError(kernel.ECodeNotFound, err,
			fmt.Sprintf("Could not find order with tracking id: %s", query.OrderTrackingID))
	}
	if err != nil {
		return TrackOrderResponse{}, fmt.Errorf("find order by tracking id %s: %w", query.OrderTrackingID, err)
	}
	return trackOrderResponseFromOrder(order), nil
}
