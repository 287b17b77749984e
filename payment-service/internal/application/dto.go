package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

// PaymentRequest is order-service's request, as the messaging adapter hands
// it to PaymentRequestMessageListener: it names its saga and its order (the
// adapter parks a request that does not), of a known kind.
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
