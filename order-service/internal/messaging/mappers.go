package messaging

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
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
	if err := checkReply(m.SagaID, m.OrderID, "paymentStatus", m.PaymentStatus); err != nil {
		return application.PaymentResponse{}, fmt.Errorf("payment response %s: %w", m.ID, err)
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
	if err := checkReply(m.SagaID, m.OrderID, "orderApprovalStatus", m.OrderApprovalStatus); err != nil {
		return application.RestaurantApprovalResponse{}, fmt.Errorf("restaurant approval response %s: %w", m.ID, err)
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

// status is a reply's status, which knows its valid values.
type status interface {
	~string
	Valid() bool
}

// checkReply refuses a reply that can never be handled: one without its saga
// or order id, or with a status the saga does not know. field names the
// status as the contract does.
func checkReply[S status](sagaID, orderID uuid.UUID, field string, s S) error {
	var errs []error
	if sagaID == uuid.Nil {
		errs = append(errs, errors.New("sagaId is missing"))
	}
	if orderID == uuid.Nil {
		errs = append(errs, errors.New("orderId is missing"))
	}
	if !s.Valid() {
		errs = append(errs, fmt.Errorf("unknown %s %q", field, string(s)))
	}
	return errors.Join(errs...)
}

// decodeReply decodes a reply record into the contract message C and maps it
// with fromContract. A record that is not a C, or that fromContract refuses,
// can never be handled: the error is kafka.Permanent, so the record is
// dead-lettered.
func decodeReply[C, R any](msg *kafka.Received, fromContract func(C) (R, error)) (R, error) {
	m, err := kafka.DecodeJSON[C](msg)
	if err != nil {
		var none R
		return none, err
	}
	r, err := fromContract(m)
	if err != nil {
		return r, kafka.Permanent(fmt.Errorf("%s record at %d/%d: %w", msg.Topic, msg.Partition, msg.Offset, err))
	}
	return r, nil
}
