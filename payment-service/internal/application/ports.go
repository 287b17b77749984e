package application

//go:generate mockgen -destination mocks/ports.go -package mocks -source ports.go

import (
	"context"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

// PaymentRequestMessageListener is the input port driven by payment requests
// from order-service.
type PaymentRequestMessageListener interface {
	// CompletePayment takes the price of a PENDING order from the customer's
	// credit, or refuses it, and records the answer in the order outbox. An
	// error with code kernel.ECodeInvalid means the request can never be
	// answered; other errors are worth a retry.
	CompletePayment(ctx context.Context, req PaymentRequest) error
	// CancelPayment gives the price of a CANCELLED order back, or records the
	// cancellation where nothing was taken, and records the answer in the
	// order outbox. Errors as for CompletePayment.
	CancelPayment(ctx context.Context, req PaymentRequest) error
}

// CustomerCreditQuery is the input port that shows a customer's credit.
type CustomerCreditQuery interface {
	// CustomerCredit returns the credit and its history; a kernel not-found
	// error when the customer has no credit entry.
	CustomerCredit(ctx context.Context, customerID kernel.CustomerID) (CustomerCredit, error)
}

// PaymentRepository stores payments. Save returns an error wrapping
// kernel.ErrDuplicate when the order already has a payment.
type PaymentRepository interface {
	// Save inserts a new payment or updates the status of a stored one.
	Save(ctx context.Context, payment *domain.Payment) error
	// FindByOrderIDForUpdate returns the order's payment locked until the
	// transaction ends, or kernel.ErrNotFound.
	FindByOrderIDForUpdate(ctx context.Context, orderID kernel.OrderID) (*domain.Payment, error)
}

// CreditEntryRepository stores customers' credit entries.
type CreditEntryRepository interface {
	// FindByCustomerIDForUpdate returns the customer's entry locked until the
	// transaction ends, so that payments of one customer run one after the
	// other; kernel.ErrNotFound when the customer has none.
	FindByCustomerIDForUpdate(ctx context.Context, customerID kernel.CustomerID) (*domain.CreditEntry, error)
	// FindByCustomerID returns the customer's entry without locking it, or
	// kernel.ErrNotFound.
	FindByCustomerID(ctx context.Context, customerID kernel.CustomerID) (*domain.CreditEntry, error)
	// Save stores the entry's total.
	Save(ctx context.Context, credit *domain.CreditEntry) error
}

// CreditHistoryRepository stores the movements of customers' credit.
type CreditHistoryRepository interface {
	// FindByCustomerID returns the customer's history, oldest first.
	FindByCustomerID(ctx context.Context, customerID kernel.CustomerID) ([]*domain.CreditHistory, error)
	// TotalsByCustomerID returns what the customer's history adds up to,
	// without reading its entries.
	TotalsByCustomerID(ctx context.Context, customerID kernel.CustomerID) (domain.CreditHistoryTotals, error)
	// Save inserts one entry.
	Save(ctx context.Context, entry *domain.CreditHistory) error
}

// OrderOutboxRepository stores the answers owed to order-service. Save
// returns an error wrapping kernel.ErrDuplicate when the saga already has an answer
// to the same request kind.
type OrderOutboxRepository interface {
	// Save inserts a message.
	Save(ctx context.Context, msg OrderOutboxMessage) error
	// ResendBySagaIDAndPaymentOrderStatus hands the answer to the saga's
	// request of that kind, whatever became of it (published, parked), back
	// to the relay under its message id, and reports whether there was one.
	ResendBySagaIDAndPaymentOrderStatus(ctx context.Context, sagaID kernel.SagaID, status kernel.PaymentOrderStatus) (bool, error)
}

// PaymentResponseMessagePublisher sends order outbox messages to
// order-service as payment responses: one result per message, nil where the
// broker acknowledged it.
type PaymentResponseMessagePublisher interface {
	Publish(ctx context.Context, batch []outbox.Message) []error
}

// Transactor runs fn in one database transaction carried by ctx; the
// repositories called with that ctx take part in it. fn's error rolls it back.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// The relay's port the publisher is handed to.
var _ outbox.Publisher = PaymentResponseMessagePublisher(nil)
