package dataaccess_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/payment-service/internal/dataaccess"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

func TestCreditHistoryRepository(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx := context.Background()
	repo := dataaccess.NewCreditHistoryRepository(db)
	customer := addCustomer(t, db, "100.00")
	credit, err := dataaccess.NewCreditEntryRepository(db).FindByCustomerID(ctx, customer)
	require.NoError(t, err)
	before, err := repo.TotalsByCustomerID(ctx, customer)
	require.NoError(t, err)
	assert.Equal(t, "100.00", before.Credits().String())
	assert.Equal(t, "0.00", before.Debits().String())
	orderID := kernel.NewID[kernel.OrderID]()
	payment, err := domain.NewPayment(orderID, customer, kerneltest.Money("30.00"))
	require.NoError(t, err)
	_, debit := domain.NewPaymentDomainService(nil).ValidateAndInitiatePayment(payment, credit, before)
	require.NotNil(t, debit)

	require.NoError(t, repo.Save(ctx, debit))

	after, err := repo.FindByCustomerID(ctx, customer)
	require.NoError(t, err)
	require.Len(t, after, 2)
	assert.Equal(t, debit.ID(), after[1].ID(), "oldest first")
	assert.Equal(t, orderID, after[1].OrderID(), "the debit keeps the order it paid")
	assert.True(t, after[0].OrderID().IsZero(), "the top-up names no order")
	assert.Equal(t, domain.TransactionTypeDebit, after[1].TransactionType())
	assert.Equal(t, "30.00", after[1].Amount().String())
	assert.Equal(t, debit.CreatedAt(), after[1].CreatedAt().UTC())
	assert.Equal(t, "70.00", historyBalanceOf(t, db, customer))
	totals, err := repo.TotalsByCustomerID(ctx, customer)
	require.NoError(t, err)
	assert.Equal(t, domain.TotalsOf(after), totals, "the database adds up what the entries say")
	assert.Equal(t, "30.00", totals.Debits().String())

	none, err := repo.TotalsByCustomerID(ctx, kernel.NewID[kernel.CustomerID]())
	require.NoError(t, err)
	assert.True(t, none.Credits().Equal(kernel.ZeroMoney) && none.Debits().Equal(kernel.ZeroMoney), "no history adds up to zero")
}
