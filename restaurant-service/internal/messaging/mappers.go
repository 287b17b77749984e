package messaging

import (
	"encoding/json"
	"fmt"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/restaurant-service/internal/application"
)

// approvalRequestOf maps the wire request to the application's DTO.
func approvalRequestOf(m contract.RestaurantApprovalRequest) application.RestaurantApprovalRequest {
	products := make([]application.OrderProduct, len(m.Products))
	for i, p := range m.Products {
		products[i] = application.OrderProduct{ID: kernel.IDFromUUID[kernel.ProductID](p.ID), Quantity: p.Quantity}
	}
	return application.RestaurantApprovalRequest{
		ID:                    kernel.IDFromUUID[kernel.MessageID](m.ID),
		SagaID:                kernel.IDFromUUID[kernel.SagaID](m.SagaID),
		RestaurantID:          kernel.IDFromUUID[kernel.RestaurantID](m.RestaurantID),
		OrderID:               kernel.IDFromUUID[kernel.OrderID](m.OrderID),
		RestaurantOrderStatus: m.RestaurantOrderStatus,
		Products:              products,
		Price:                 m.Price,
		CreatedAt:             m.CreatedAt,
	}
}

// approvalResponseOf maps one outbox row to its wire message: the id is the
// row id and the saga id the row's. A payload that cannot be read fails that
// row only.
func approvalResponseOf(m outbox.Message) (any, error) {
	var payload application.OrderEventPayload
	if err := json.Unmarshal(m.Payload, &payload); err != nil {
		return nil, fmt.Errorf("decode payload of order outbox message %s: %w", m.ID, err)
	}
	failures := payload.FailureMessages
	if failures == nil {
		failures = []string{}
	}
	return contract.RestaurantApprovalResponse{
		ID:                  m.ID,
		SagaID:              m.SagaID,
		RestaurantID:        payload.RestaurantID.UUID(),
		OrderID:             payload.OrderID.UUID(),
		CreatedAt:           payload.CreatedAt,
		OrderApprovalStatus: payload.OrderApprovalStatus,
		FailureMessages:     failures,
	}, nil
}
