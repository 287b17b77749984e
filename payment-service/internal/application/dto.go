package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

// PaymentRequest is order-service's request, as the messaging adapter hands
// it to PaymentRequestMessageListener.
type PaymentRequest struct {
	// ID is the request's message id, for logs.
	ID                 kernel.MessageID
	SagaID             kernel.SagaID
	CustomerID         kernel.CustomerID
	OrderID            kernel.OrderID
	Price              kernel.Money
	CreatedAt          time.Time
	PaymentOrderStatus kernel.PaymentOrderStatus
}

// Validate refuses a request that names no saga or no order, with code
// kernel.ECodeInvalid: an answer must say which saga and which order it is
// about, so such a request can only be parked, never answered.
func (r PaymentRequest) Validate() error {
	switch {
	case r.SagaID.IsZero():
		return kernel.Errorf(kernel.ECodeInvalid, "payment request %s has no saga id", r.ID)
	case r.OrderID.IsZero():
		return kernel.Errorf(kernel.ECodeInvalid, "payment request %s of saga %s has no order id", r.ID, r.SagaID)
	}
	return nil
}

// CustomerCredit is a customer's balance with the movements behind it.
type CustomerCredit struct {
	CustomerID        kernel.CustomerID
	TotalCreditAmount kernel.Money
	// History is oldest first.
	History []CreditMovement
}

// CreditMovement is one entry of a customer's credit history.
type CreditMovement struct {
	ID        kernel.CreditHistoryID
	Amount    kernel.Money
	Type      domain.TransactionType
	CreatedAt time.Time
}
