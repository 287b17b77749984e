package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
)

// OrderApprovalTrackQueryHandler answers what a restaurant decided about an
// order: the walkthrough's final check "order approval table shows the order
// as approved".
type OrderApprovalTrackQueryHandler struct {
	approvals OrderApprovalRepository
}

var _ OrderApprovalTracker = (*OrderApprovalTrackQueryHandler)(nil)

// NewOrderApprovalTrackQueryHandler returns the query handler.
func NewOrderApprovalTrackQueryHandler(approvals OrderApprovalRepository) *OrderApprovalTrackQueryHandler {
	return &OrderApprovalTrackQueryHandler{approvals: approvals}
}

// TrackOrderApproval returns the approval of the order; none is an error with
// code kernel.ECodeNotFound and the message users see.
func (h *OrderApprovalTrackQueryHandler) TrackOrderApproval(ctx context.Context, query TrackOrderApprovalQuery) (TrackOrderApprovalResponse, error) {
	approval, err := h.approvals.FindByOrderID(ctx, query.OrderID)
	switch {
	case errors.Is(err, kernel.ErrNotFound):
		return TrackOrderApprovalResponse{}, kernel.WrapError(kernel.ECodeNotFound, err,
			fmt.Sprintf("Could not find order approval for order id: %s", query.OrderID))
	case err != nil:
		return TrackOrderApprovalResponse{}, fmt.Errorf("find approval of order %s: %w", query.OrderID, err)
	}
	return TrackOrderApprovalResponse{
		OrderID:             approval.OrderID(),
		RestaurantID:        approval.RestaurantID(),
		OrderApprovalStatus: approval.Status(),
		FailureMessages:     approval.FailureMessages(),
	}, nil
}
