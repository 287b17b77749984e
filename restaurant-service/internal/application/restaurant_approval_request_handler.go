package application

import "context"

// RestaurantApprovalRequestHandler implements the
// RestaurantApprovalRequestMessageListener input port (the original's
// RestaurantApprovalRequestMessageListenerImpl) on the helper.
type RestaurantApprovalRequestHandler struct {
	helper *RestaurantApprovalRequestHelper
}

var _ RestaurantApprovalRequestMessageListener = (*RestaurantApprovalRequestHandler)(nil)

// NewRestaurantApprovalRequestHandler returns the input port over helper.
func NewRestaurantApprovalRequestHandler(helper *RestaurantApprovalRequestHelper) *RestaurantApprovalRequestHandler {
	return &RestaurantApprovalRequestHandler{helper: helper}
}

// ApproveOrder answers the request; see
// RestaurantApprovalRequestHelper.PersistOrderApproval.
func (h *RestaurantApprovalRequestHandler) ApproveOrder(ctx context.Context, request RestaurantApprovalRequest) error {
	return h.helper.PersistOrderApproval(ctx, request)
}

// CancelOrder records the cancellation; see
// RestaurantApprovalRequestHelper.PersistOrderCancellation.
func (h *RestaurantApprovalRequestHandler) CancelOrder(ctx context.Context, request RestaurantApprovalRequest) error {
	return h.helper.PersistOrderCancellation(ctx, request)
}
