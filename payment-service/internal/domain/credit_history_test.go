package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

func TestUnmarshalCreditHistoryFromDatabase(t *testing.T) {
	tests := []struct {
		name     string
		id       kernel.CreditHistoryID
		customer kernel.CustomerID
		order    kernel.OrderID
		typ      domain.TransactionType
		wantErr  bool
	}{
		{name: "debit", id: kernel.NewID[kernel.CreditHistoryID](), customer: customerID, order: kernel.NewID[kernel.OrderID](), typ: domain.TransactionTypeDebit},
		{name: "credit", id: kernel.NewID[kernel.CreditHistoryID](), customer: customerID, order: kernel.NewID[kernel.OrderID](), typ: domain.TransactionTypeCredit},
		{name: "credit of no order", id: kernel.NewID[kernel.CreditHistoryID](), customer: customerID, typ: domain.TransactionTypeCredit},
		{name: "history without id", customer: customerID, typ: domain.TransactionTypeDebit, wantErr: true},
		{name: "history without customer", id: kernel.NewID[kernel.CreditHistoryID](), typ: domain.TransactionTypeDebit, wantErr: true},
		{name: "history with unknown type", id: kernel.NewID[kernel.CreditHistoryID](), customer: customerID, typ: "REFUND", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := domain.UnmarshalCreditHistoryFromDatabase(tt.id, tt.customer, tt.order, kerneltest.Money("1.50"), tt.typ, now)
			if tt.wantErr {
				assert.Error(t, err)
				assert.Nil(t, h)
				return
			}
			assert.NoError(t, err)
			assert.Equal(t, tt.id, h.ID())
			assert.Equal(t, tt.customer, h.CustomerID())
			assert.Equal(t, tt.order, h.OrderID())
			assert.Equal(t, tt.typ, h.TransactionType())
			assert.Equal(t, "1.50", h.Amount().String())
			assert.Equal(t, now, h.CreatedAt())
		})
	}
}

func TestCreditHistoryTotals(t *testing.T) {
	totals := domain.TotalsOf(history(t, "CREDIT", "100.00", "CREDIT", "600.00", "DEBIT", "200.00", "DEBIT", "0.50"))
	assert.Equal(t, "700.00", totals.Credits().String())
	assert.Equal(t, "200.50", totals.Debits().String())
	assert.Equal(t, domain.CreditHistoryTotals{}, domain.TotalsOf(nil), "no history sums to zero")

	stored, err := domain.UnmarshalCreditHistoryTotalsFromDatabase(customerID, kerneltest.Money("700.00"), kerneltest.Money("200.50"))
	require.NoError(t, err)
	assert.True(t, stored.Credits().Equal(totals.Credits()) && stored.Debits().Equal(totals.Debits()))
	_, err = domain.UnmarshalCreditHistoryTotalsFromDatabase(customerID, kerneltest.Money("-1.00"), kerneltest.Money("0"))
	assert.ErrorIs(t, err, domain.ErrInvalidCreditHistory)
	assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(err))
}
