package application

import (
	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

// orderDetailFromRequest builds the domain's view of the requested order. The wire
// status of an approval request is the order's status (PAID), so it maps onto
// kernel.OrderStatus; anything else is left for the domain to reject.
func orderDetailFromRequest(request RestaurantApprovalRequest) (domain.OrderDetail, error) {
	lines := make([]domain.OrderLine, len(request.Products))
	for i, p := range request.Products {
		lines[i] = domain.NewOrderLine(p.ID, p.Quantity)
	}
	return domain.NewOrderDetail(request.OrderID, kernel.OrderStatus(request.RestaurantOrderStatus), request.Price, lines)
}

// orderEventPayloadFromEvent is the outbox payload of a decision.
func orderEventPayloadFromEvent(event domain.OrderApprovalEvent) OrderEventPayload {
	approval := event.OrderApproval()
	return OrderEventPayload{
		OrderID:             approval.OrderID(),
		RestaurantID:        approval.RestaurantID(),
		CreatedAt:           event.CreatedAt(),
		OrderApprovalStatus: approval.Status(),
		FailureMessages:     approval.FailureMessages(),
	}
}
