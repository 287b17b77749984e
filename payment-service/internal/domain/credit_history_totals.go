package domain

import "github.com/food-ordering-system/common/kernel"

// CreditHistoryTotals is what a customer's credit history adds up to: the
// sum of its CREDIT entries and the sum of its DEBIT entries. A payment is
// checked against these two sums, so it costs the same for a customer with
// three entries and for one with ten thousand; the entries themselves are
// read only to be shown.
type CreditHistoryTotals struct {
	credits kernel.Money
	debits  kernel.Money
}

// TotalsOf adds up history.
func TotalsOf(history []*CreditHistory) CreditHistoryTotals {
	var t CreditHistoryTotals
	for _, h := range history {
		t = t.with(h)
	}
	return t
}

// UnmarshalCreditHistoryTotalsFromDatabase rebuilds the sums the database
// computed over a customer's history. A negative sum means a stored entry
// has a negative amount, which no payment or refund writes.
func UnmarshalCreditHistoryTotalsFromDatabase(customerID kernel.CustomerID, credits, debits kernel.Money) (CreditHistoryTotals, error) {
	if credits.IsNegative() || debits.IsNegative() {
		return CreditHistoryTotals{}, kernel.Internal(ErrInvalidCreditHistory,
			"credit history of customer %s sums to negative credits %s or debits %s", customerID, credits, debits)
	}
	return CreditHistoryTotals{credits: credits, debits: debits}, nil
}

// Credits is the sum of the CREDIT entries.
func (t CreditHistoryTotals) Credits() kernel.Money { return t.credits }

// Debits is the sum of the DEBIT entries.
func (t CreditHistoryTotals) Debits() kernel.Money { return t.debits }

// with returns the totals with e added.
func (t CreditHistoryTotals) with(e *CreditHistory) CreditHistoryTotals {
	switch e.transactionType {
	case TransactionTypeCredit:
		t.credits = t.credits.Add(e.amount)
	case TransactionTypeDebit:
		t.debits = t.debits.Add(e.amount)
	}
	return t
}
