package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
)

// CustomerCreditQueryHandler implements CustomerCreditQuery: the
// walkthrough's final check that the credit entry reflects the customer's
// balance, with the history showing the transactions.
type CustomerCreditQueryHandler struct {
	tx      Transactor
	credits CreditEntryRepository
	history CreditHistoryRepository
}

var _ CustomerCreditQuery = (*CustomerCreditQueryHandler)(nil)

// NewCustomerCreditQueryHandler returns the query over the repositories.
func NewCustomerCreditQueryHandler(tx Transactor, credits CreditEntryRepository, history CreditHistoryRepository) *CustomerCreditQueryHandler {
	return &CustomerCreditQueryHandler{tx: tx, credits: credits, history: history}
}

// CustomerCredit implements CustomerCreditQuery. Entry and history are read
// in one transaction so that they agree.
func (q *CustomerCreditQueryHandler) CustomerCredit(ctx context.Context, customerID kernel.CustomerID) (CustomerCredit, error) {
	var out CustomerCredit
	err := q.tx.Transact(ctx, func(ctx context.Context) error {
		credit, err := q.credits.FindByCustomerID(ctx, customerID)
		if errors.Is(err, kernel.ErrNotFound) {
			return kernel.WrapError(kernel.ECodeNotFound, err,
				fmt.Sprintf("Could not find credit entry for customer: %s", customerID))
		}
		if err != nil {
			return fmt.Errorf("load credit entry of customer %s: %w", customerID, err)
		}
		history, err := q.history.FindByCustomerID(ctx, customerID)
		if err != nil {
			return fmt.Errorf("load credit history of customer %s: %w", customerID, err)
		}
		out = CustomerCredit{CustomerID: customerID, TotalCreditAmount: credit.TotalCreditAmount(),
			History: make([]CreditMovement, len(history))}
		for i, h := range history {
			out.History[i] = CreditMovement{ID: h.ID(), Amount: h.Amount(), Type: h.TransactionType(), CreatedAt: h.CreatedAt()}
		}
		return nil
	})
	return out, err
}
