package messaging

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/application"
)

// paymentRequestFromOutbox maps a payment_outbox row to the wire message: the row
// id is the message id, the row's saga id the saga id.
func paymentRequestFromOutbox(m outbox.Message) (contract.PaymentRequest, error) {
	var p application.OrderPaymentEventPayload
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		return contract.PaymentRequest{}, fmt.Errorf("decode payment outbox payload %s: %w", m.ID, err)
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

// approvalRequestFromOutbox maps an order_approval_outbox row to the wire
// message.
func approvalRequestFromOutbox(m outbox.Message) (contract.RestaurantApprovalRequest, error) {
	var p application.OrderApprovalEventPayload
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		return contract.RestaurantApprovalRequest{}, fmt.Errorf("decode approval outbox payload %s: %w", m.ID, err)
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

// paymentResponseFromContract maps a payment reply to the application's DTO.
// It is where a reply's shape is checked: one without its saga or order id,
// or with an unknown status, can never be handled and is refused with code
// kernel.ECodeInvalid (the consumer parks the record).
func paymentResponseFromContract(m contract.PaymentResponse) (application.PaymentResponse, error) {
	if err := checkReply(m.SagaID, m.OrderID, "paymentStatus", m.PaymentStatus); err != nil {
		return application.PaymentResponse{}, kernel.WrapError(kernel.ECodeInvalid, err, fmt.Sprintf("payment response %s: %v", m.ID, err))
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

// restaurantApprovalResponseFromContract maps a restaurant reply to the
// application's DTO, refusing as paymentResponseFromContract does; a reply
// must be APPROVED or REJECTED (CANCELLED is what a restaurant records, never
// an answer).
func restaurantApprovalResponseFromContract(m contract.RestaurantApprovalResponse) (application.RestaurantApprovalResponse, error) {
	if err := checkReply(m.SagaID, m.OrderID, "orderApprovalStatus", m.OrderApprovalStatus); err != nil {
		return application.RestaurantApprovalResponse{}, kernel.WrapError(kernel.ECodeInvalid, err,
			fmt.Sprintf("restaurant approval response %s: %v", m.ID, err))
	}
	if m.OrderApprovalStatus == kernel.OrderApprovalStatusCancelled {
		return application.RestaurantApprovalResponse{}, kernel.Errorf(kernel.ECodeInvalid,
			"approval response %s of saga %s: %q is not an answer", m.ID, m.SagaID, m.OrderApprovalStatus)
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
