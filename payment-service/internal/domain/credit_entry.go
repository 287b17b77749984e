package domain

import (
	"github.com/food-ordering-system/common/kernel"
)

// CreditEntry is a customer's current credit: the balance payments are taken
// from and refunds are given back to.
type CreditEntry struct {
	id          kernel.CreditEntryID
	customerID  kernel.CustomerID
	totalCredit kernel.Money
}

// UnmarshalCreditEntryFromDatabase rebuilds a stored credit entry.
func UnmarshalCreditEntryFromDatabase(id kernel.CreditEntryID, customerID kernel.CustomerID, totalCredit kernel.Money) (*CreditEntry, error) {
	if id.IsZero() || customerID.IsZero() {
		return nil, kernel.Internal(ErrInvalidCreditEntry, "stored credit entry %s of customer %s lacks an id", id, customerID)
	}
	return &CreditEntry{id: id, customerID: customerID, totalCredit: totalCredit}, nil
}

// ID identifies the entry.
func (c *CreditEntry) ID() kernel.CreditEntryID { return c.id }

// CustomerID is the customer who owns the credit.
func (c *CreditEntry) CustomerID() kernel.CustomerID { return c.customerID }

// TotalCreditAmount is the customer's balance.
func (c *CreditEntry) TotalCreditAmount() kernel.Money { return c.totalCredit }

func (c *CreditEntry) addCreditAmount(amount kernel.Money) {
	c.totalCredit = c.totalCredit.Add(amount)
}

func (c *CreditEntry) subtractCreditAmount(amount kernel.Money) {
	c.totalCredit = c.totalCredit.Subtract(amount)
}
