package domain

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// CreditHistory is one movement of a customer's credit. The credits minus the
// debits of a customer's history always equal the credit entry's total.
type CreditHistory struct {
	id              kernel.CreditHistoryID
	customerID      kernel.CustomerID
	orderID         kernel.OrderID
	amount          kernel.Money
	transactionType TransactionType
	createdAt       time.Time
}

// newCreditHistory records a movement the domain service decided on. It is
// unexported because an entry made anywhere else would not move the credit
// entry with it, and the history would no longer add up to the balance.
func newCreditHistory(customerID kernel.CustomerID, orderID kernel.OrderID, amount kernel.Money, t TransactionType, now time.Time) *CreditHistory {
	return &CreditHistory{id: kernel.NewID[kernel.CreditHistoryID](), customerID: customerID, orderID: orderID, amount: amount,
		transactionType: t, createdAt: now}
}

// UnmarshalCreditHistoryFromDatabase rebuilds a stored history entry. A zero
// orderID is an entry that no order caused (a top-up) or one written before
// entries named their order.
func UnmarshalCreditHistoryFromDatabase(id kernel.CreditHistoryID, customerID kernel.CustomerID, orderID kernel.OrderID,
	amount kernel.Money, t TransactionType, createdAt time.Time) (*CreditHistory, error) {
	if id.IsZero() || customerID.IsZero() {
		return nil, kernel.Internal(ErrInvalidCreditHistory, "stored credit history %s of customer %s lacks an id", id, customerID)
	}
	if !t.Valid() {
		return nil, kernel.Internal(ErrInvalidCreditHistory, "stored credit history %s has unknown transaction type %q", id, t)
	}
	return &CreditHistory{id: id, customerID: customerID, orderID: orderID, amount: amount, transactionType: t, createdAt: createdAt}, nil
}

// ID identifies the entry.
func (h *CreditHistory) ID() kernel.CreditHistoryID { return h.id }

// CustomerID is the customer whose credit moved.
func (h *CreditHistory) CustomerID() kernel.CustomerID { return h.customerID }

// OrderID is the order whose payment (DEBIT) or refund (CREDIT) moved the
// credit; zero when no order did. It lets each order's money be accounted
// for on its own, not only as part of a customer's balance.
func (h *CreditHistory) OrderID() kernel.OrderID { return h.orderID }

// Amount is how much moved.
func (h *CreditHistory) Amount() kernel.Money { return h.amount }

// TransactionType is the direction of the movement.
func (h *CreditHistory) TransactionType() TransactionType { return h.transactionType }

// CreatedAt is when the credit moved.
func (h *CreditHistory) CreatedAt() time.Time { return h.createdAt }
