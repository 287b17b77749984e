package application

import (
	"context"

	"github.com/food-ordering-system/common/saga"
)

// RestaurantApprovalResponseHandler implements
// RestaurantApprovalResponseMessageListener (the original's
// RestaurantApprovalResponseMessageListenerImpl) with the approval saga step.
type RestaurantApprovalResponseHandler struct {
	step saga.Step[RestaurantApprovalResponse]
}

var _ RestaurantApprovalResponseMessageListener = (*RestaurantApprovalResponseHandler)(nil)

// NewRestaurantApprovalResponseHandler returns the listener over the approval
// step.
func NewRestaurantApprovalResponseHandler(step *OrderApprovalSaga) *RestaurantApprovalResponseHandler {
	return &RestaurantApprovalResponseHandler{step: step}
}

// OrderApproved moves the saga forward.
func (h *RestaurantApprovalResponseHandler) OrderApproved(ctx context.Context, response RestaurantApprovalResponse) error {
	return h.step.Process(ctx, response)
}

// OrderRejected rolls the saga back.
func (h *RestaurantApprovalResponseHandler) OrderRejected(ctx context.Context, response RestaurantApprovalResponse) error {
	return h.step.Rollback(ctx, response)
}
