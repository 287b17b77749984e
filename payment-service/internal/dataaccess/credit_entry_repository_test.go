package dataaccess_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/payment-service/internal/dataaccess"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

func TestSeedData(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx := context.Background()
	credits := dataaccess.NewCreditEntryRepository(db)
	history := dataaccess.NewCreditHistoryRepository(db)

	tests := []struct {
		customer    kernel.CustomerID
		wantCredit  string
		wantHistory []string
	}{
		{seededCustomer, "500.00", []string{"CREDIT 100.00", "CREDIT 600.00", "DEBIT 200.00"}},
		{smallCustomer, "100.00", []string{"CREDIT 100.00"}},
	}
	for _, tt := range tests {
		credit, err := credits.FindByCustomerID(ctx, tt.customer)
		require.NoError(t, err)
		assert.Equal(t, tt.wantCredit, credit.TotalCreditAmount().String())
		entries, err := history.FindByCustomerID(ctx, tt.customer)
		require.NoError(t, err)
		var got []string
		for _, e := range entries {
			got = append(got, string(e.TransactionType())+" "+e.Amount().String())
		}
		assert.Equal(t, tt.wantHistory, got)
	}
}

func TestCreditEntryRepository(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx := context.Background()
	repo := dataaccess.NewCreditEntryRepository(db)
	customer := addCustomer(t, db, "100.00")

	credit, err := repo.FindByCustomerIDForUpdate(ctx, customer)
	require.NoError(t, err)
	payment, err := domain.NewPayment(kernel.NewID[kernel.OrderID](), customer, kerneltest.Money("40.00"))
	require.NoError(t, err)
	history, err := dataaccess.NewCreditHistoryRepository(db).TotalsByCustomerID(ctx, customer)
	require.NoError(t, err)
	_, debit := domain.NewPaymentDomainService(nil).ValidateAndInitiatePayment(payment, credit, history)
	require.NotNil(t, debit)

	require.NoError(t, repo.Save(ctx, credit))

	assert.Equal(t, "60.00", creditOf(t, db, customer))
	assert.Equal(t, 1, countRows(t, db, `SELECT version FROM credit_entry WHERE customer_id = ?`, customer.UUID()))

	_, err = repo.FindByCustomerID(ctx, kernel.NewID[kernel.CustomerID]())
	assert.True(t, errors.Is(err, kernel.ErrNotFound), "got %v", err)
}
