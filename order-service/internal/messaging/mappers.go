package messaging

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka/contract"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/application"
)

// encodePaymentRequest maps a payment_outbox row to the wire message: the row
// id is the message id, the row's saga id the saga id.
func encodePaymentRequest(m outbox.Message) (any, error) {
	var p application.OrderPaymentEventPayload
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		return nil, fmt.Errorf("decode payment outbox payload %s: %w", m.ID, err)
	}
	return contract.PaymentRequest{
		ID:                 m.ID,
		SagaID:             m.SagaID,
		CustomerID:         p.CustomerID.UUID(),
		OrderID:            p.OrderID.UUID(),
		Price:              p.Price,
		CreatedAt:          p.CreatedAt,
		PaymentOrderStatus: p.PaymentOrderStatus,
	}, nil
}

// encodeApprovalRequest maps an order_approval_outbox row to the wire
// message.
func encodeApprovalRequest(m outbox.Message) (any, error) {
	var p application.OrderApprovalEventPayload
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		return nil, fmt.Errorf("decode approval outbox payload %s: %w", m.ID, err)
	}
	products := make([]contract.Product, len(p.Products))
	for i, pr := range p.Products {
		products[i] = contract.Product{ID: pr.ID.UUID(), Quantity: pr.Quantity}
	}
	return contract.RestaurantApprovalRequest{
		ID:                    m.ID,
		SagaID:                m.SagaID,
		RestaurantID:          p.RestaurantID.UUID(),
		OrderID:               p.OrderID.UUID(),
		RestaurantOrderStatus: p.RestaurantOrderStatus,
		Products:              products,
		Price:                 p.Price,
		CreatedAt:             p.CreatedAt,
	}, nil
}

// paymentResponseFromContract maps and checks a payment reply; a reply
// without its ids or with an unknown status can never be handled.
func paymentResponseFromContract(m contract.PaymentResponse) (application.PaymentResponse, error) {
	if err := requireIDs(map[string]uuid.UUID{"sagaId": m.SagaID, "orderId": m.OrderID}); err != nil {
		return application.PaymentResponse{}, err
	}
	if !m.PaymentStatus.Valid() {
		return application.PaymentResponse{}, fmt.Errorf("unknown paymentStatus %q", m.PaymentStatus)
	}
	return application.PaymentResponse{
		ID:              kernel.IDFromUUID[kernel.MessageID](m.ID),
		SagaID:          kernel.IDFromUUID[kernel.SagaID](m.SagaID),
		OrderID:         kernel.IDFromUUID[kernel.OrderID](m.OrderID),
		PaymentID:       kernel.IDFromUUID[kernel.PaymentID](m.PaymentID),
		CustomerID:      kernel.IDFromUUID[kernel.CustomerID](m.CustomerID),
		Price:           m.Price,
		CreatedAt:       m.CreatedAt,
		PaymentStatus:   m.PaymentStatus,
		FailureMessages: m.FailureMessages,
	}, nil
}

// restaurantApprovalResponseFromContract maps and checks a restaurant reply.
func restaurantApprovalResponseFromContract(m contract.RestaurantApprovalResponse) (application.RestaurantApprovalResponse, error) {
	if err := requireIDs(map[string]uuid.UUID{"sagaId": m.SagaID, "orderId": m.OrderID}); err != nil {
		return application.RestaurantApprovalResponse{}, err
	}
	if !m.OrderApprovalStatus.Valid() {
		return application.RestaurantApprovalResponse{}, fmt.Errorf("unknown orderApprovalStatus %q", m.OrderApprovalStatus)
	}
	return application.RestaurantApprovalResponse{
		ID:                  kernel.IDFromUUID[kernel.MessageID](m.ID),
		SagaID:              kernel.IDFromUUID[kernel.SagaID](m.SagaID),
		OrderID:             kernel.IDFromUUID[kernel.OrderID](m.OrderID),
		RestaurantID:        kernel.IDFromUUID[kernel.RestaurantID](m.RestaurantID),
		CreatedAt:           m.CreatedAt,
		OrderApprovalStatus: m.OrderApprovalStatus,
		FailureMessages:     m.FailureMessages,
	}, nil
}

func requireIDs(ids map[string]uuid.UUID) error {
	var errs []error
	for _, name := range []string{"sagaId", "orderId"} {
		if id, ok := ids[name]; ok && id == uuid.Nil {
			errs = append(errs, fmt.Errorf("%s is missing", name))
		}
	}
	return errors.Join(errs...)
}
