package dataaccess_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/payment-service/internal/dataaccess"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

func TestPaymentRepository(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx := context.Background()
	repo := dataaccess.NewPaymentRepository(db)
	tx := postgres.NewTransactor(db)
	credits := dataaccess.NewCreditEntryRepository(db)
	ds := domain.NewPaymentDomainService(nil)

	orderID := kernel.NewID[kernel.OrderID]()
	payment, err := domain.NewPayment(orderID, seededCustomer, kerneltest.Money("200.00"))
	require.NoError(t, err)
	credit, err := credits.FindByCustomerID(ctx, seededCustomer)
	require.NoError(t, err)
	history, err := dataaccess.NewCreditHistoryRepository(db).TotalsByCustomerID(ctx, seededCustomer)
	require.NoError(t, err)
	ds.ValidateAndInitiatePayment(payment, credit, history)
	require.Equal(t, kernel.PaymentStatusCompleted, payment.Status())
	require.NoError(t, repo.Save(ctx, payment))

	var found *domain.Payment
	require.NoError(t, tx.Transact(ctx, func(ctx context.Context) error {
		found, err = repo.FindByOrderIDForUpdate(ctx, orderID)
		return err
	}))
	assert.Equal(t, payment.ID(), found.ID())
	assert.Equal(t, seededCustomer, found.CustomerID())
	assert.Equal(t, "200.00", found.Price().String())
	assert.Equal(t, payment.CreatedAt(), found.CreatedAt().UTC())
	assert.Equal(t, payment.Status(), found.Status())

	// A status change of a stored payment is an update, not a second row.
	ds.ValidateAndCancelPayment(found, credit)
	require.Equal(t, kernel.PaymentStatusCancelled, found.Status())
	require.NoError(t, repo.Save(ctx, found))
	again, err := repo.FindByOrderIDForUpdate(ctx, orderID)
	require.NoError(t, err)
	assert.Equal(t, kernel.PaymentStatusCancelled, again.Status())

	t.Run("second payment of an order is a duplicate", func(t *testing.T) {
		twin, err := domain.NewPayment(orderID, seededCustomer, kerneltest.Money("10.00"))
		require.NoError(t, err)
		ds.ValidateAndInitiatePayment(twin, credit, domain.CreditHistoryTotals{})
		err = repo.Save(ctx, twin)
		assert.True(t, errors.Is(err, kernel.ErrDuplicate), "got %v", err)
	})
	t.Run("unknown order is not found", func(t *testing.T) {
		_, err := repo.FindByOrderIDForUpdate(ctx, kernel.NewID[kernel.OrderID]())
		assert.True(t, errors.Is(err, kernel.ErrNotFound), "got %v", err)
	})
}
