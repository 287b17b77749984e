package messaging

import (
	"encoding/json"
	"fmt"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/payment-service/internal/application"
)

// paymentRequestFromContract maps a request off the wire to the application's
// DTO. It is where a request's shape is checked: it refuses, with code
// kernel.ECodeInvalid (the consumer parks the record), only what cannot be
// answered: a request without saga or order id (an answer must say which
// saga and which order it is about), or of an unknown kind (an answer says
// which kind it answers). A request without customer goes on, to be
// answered FAILED.
func paymentRequestFromContract(m contract.PaymentRequest) (application.PaymentRequest, error) {
	req := application.PaymentRequest{
		ID:                 kernel.IDFromUUID[kernel.MessageID](m.ID),
		SagaID:             kernel.IDFromUUID[kernel.SagaID](m.SagaID),
		CustomerID:         kernel.IDFromUUID[kernel.CustomerID](m.CustomerID),
		OrderID:            kernel.IDFromUUID[kernel.OrderID](m.OrderID),
		Price:              m.Price,
		CreatedAt:          m.CreatedAt,
		PaymentOrderStatus: m.PaymentOrderStatus,
	}
	switch {
	case req.SagaID.IsZero():
		return req, kernel.Errorf(kernel.ECodeInvalid, "payment request %s has no saga id", req.ID)
	case req.OrderID.IsZero():
		return req, kernel.Errorf(kernel.ECodeInvalid, "payment request %s of saga %s has no order id", req.ID, req.SagaID)
	case !req.PaymentOrderStatus.Valid():
		return req, kernel.Errorf(kernel.ECodeInvalid, "payment request %s has unknown paymentOrderStatus %q", m.ID, m.PaymentOrderStatus)
	}
	return req, nil
}

// paymentResponseFromOutbox maps an order outbox row to the answer on the
// wire: the row id is the message id, the row's saga id the saga id, the rest
// comes from the payload.
func paymentResponseFromOutbox(m outbox.Message) (contract.PaymentResponse, error) {
	var p application.OrderEventPayload
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		return contract.PaymentResponse{}, fmt.Errorf("decode payload of outbox message %s: %w", m.ID, err)
	}
	failures := p.FailureMessages
	if failures == nil {
		failures = []string{}
	}
	return contract.PaymentResponse{
		ID:              m.ID,
		SagaID:          m.SagaID,
		PaymentID:       p.PaymentID.UUID(),
		CustomerID:      p.CustomerID.UUID(),
		OrderID:         p.OrderID.UUID(),
		Price:           p.Price,
		CreatedAt:       p.CreatedAt,
		PaymentStatus:   p.PaymentStatus,
		FailureMessages: failures,
	}, nil
}
