package application

import "context"

// RestaurantApprovalRequestListener implements the
// RestaurantApprovalRequestMessageListener input port (the original's
// RestaurantApprovalRequestMessageListenerImpl) on the helper.
type RestaurantApprovalRequestListener struct {
	helper *RestaurantApprovalRequestHelper
}

var _ RestaurantApprovalRequestMessageListener = (*RestaurantApprovalRequestListener)(nil)

// NewRestaurantApprovalRequestListener returns the input port over helper.
func NewRestaurantApprovalRequestListener(helper *RestaurantApprovalRequestHelper) *RestaurantApprovalRequestListener {
	return &RestaurantApprovalRequestListener{helper: helper}
}

// ApproveOrder answers the request once; see
// RestaurantApprovalRequestHelper.PersistOrderApproval.
func (l *RestaurantApprovalRequestListener) ApproveOrder(ctx context.Context, request RestaurantApprovalRequest) error {
	return l.helper.PersistOrderApproval(ctx, request)
}
