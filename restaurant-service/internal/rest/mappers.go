package rest

import "github.com/food-ordering-system/restaurant-service/internal/application"

// orderApprovalResponseOf is the body answering a tracked approval; an
// approval's failure messages are [] rather than null.
func orderApprovalResponseOf(approval application.TrackOrderApprovalResponse) OrderApprovalResponse {
	failures := approval.FailureMessages
	if failures == nil {
		failures = []string{}
	}
	return OrderApprovalResponse{
		OrderID:             approval.OrderID.String(),
		RestaurantID:        approval.RestaurantID.String(),
		OrderApprovalStatus: string(approval.OrderApprovalStatus),
		FailureMessages:     failures,
	}
}
