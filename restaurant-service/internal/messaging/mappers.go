package messaging

import (
	"encoding/json"
	"fmt"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/restaurant-service/internal/application"
)

// approvalRequestFromContract maps the wire request to the application's
// DTO. It is where a message's shape is checked: it refuses, with code
// kernel.ECodeInvalid (the consumer parks the record), only what cannot be
// answered or recorded: a request without saga or order id (an answer must
// name both), a cancellation without restaurant id too (it is recorded for a
// restaurant). Every other request goes on, to be answered, REJECTED where
// it describes no acceptable order.
func approvalRequestFromContract(m contract.RestaurantApprovalRequest) (application.RestaurantApprovalRequest, error) {
	products := make([]application.OrderProduct, len(m.Products))
	for i, p := range m.Products {
		products[i] = application.OrderProduct{ID: kernel.IDFromUUID[kernel.ProductID](p.ID), Quantity: p.Quantity}
	}
	request := application.RestaurantApprovalRequest{
		ID:                    kernel.IDFromUUID[kernel.MessageID](m.ID),
		SagaID:                kernel.IDFromUUID[kernel.SagaID](m.SagaID),
		RestaurantID:          kernel.IDFromUUID[kernel.RestaurantID](m.RestaurantID),
		OrderID:               kernel.IDFromUUID[kernel.OrderID](m.OrderID),
		RestaurantOrderStatus: m.RestaurantOrderStatus,
		Products:              products,
		Price:                 m.Price,
		CreatedAt:             m.CreatedAt,
	}
	switch {
	case request.SagaID.IsZero() || request.OrderID.IsZero():
		return request, kernel.Errorf(kernel.ECodeInvalid, "approval request %s of saga %s and order %s cannot be answered: an id is missing",
			request.ID, request.SagaID, request.OrderID)
	case request.RestaurantOrderStatus == kernel.RestaurantOrderStatusCancelled && request.RestaurantID.IsZero():
		return request, kernel.Errorf(kernel.ECodeInvalid, "cancellation %s of saga %s and order %s cannot be recorded: the restaurant id is missing",
			request.ID, request.SagaID, request.OrderID)
	}
	return request, nil
}

// approvalResponseFromOutbox maps one outbox row to its wire message: the id is the
// row id and the saga id the row's. A payload that cannot be read fails that
// row only.
func approvalResponseFromOutbox(m outbox.Message) (contract.RestaurantApprovalResponse, error) {
	var payload application.OrderEventPayload
	if err := json.Unmarshal(m.Payload, &payload); err != nil {
		return contract.RestaurantApprovalResponse{}, fmt.Errorf("decode payload of order outbox message %s: %w", m.ID, err)
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
