package dataaccess_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func TestOrderRepositoryRoundTripAndOptimisticLocking(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewOrderRepository(db)
	order := newOrder(t)

	require.NoError(t, repo.Insert(ctx, order))

	byID, err := repo.FindByID(ctx, order.ID())
	require.NoError(t, err)
	byTracking, err := repo.FindByTrackingID(ctx, order.TrackingID())
	require.NoError(t, err)
	assert.Equal(t, byID, byTracking)
	assert.Equal(t, order.ID(), byID.ID())
	assert.Equal(t, order.TrackingID(), byID.TrackingID())
	assert.Equal(t, customer1, byID.CustomerID())
	assert.Equal(t, restaurant1, byID.RestaurantID())
	assert.Equal(t, order.DeliveryAddress(), byID.DeliveryAddress())
	assert.Equal(t, "200.00", byID.Price().String())
	assert.Equal(t, kernel.OrderStatusPending, byID.Status())
	assert.Empty(t, byID.FailureMessages())
	assert.Equal(t, 0, byID.Version())
	items := byID.Items()
	require.Len(t, items, 2)
	assert.Equal(t, domain.OrderItemID(2), items[1].ID())
	assert.Equal(t, product2, items[1].Product().ID())
	assert.Equal(t, 3, items[1].Quantity())
	assert.Equal(t, "150.00", items[1].SubTotal().String())

	// Two readers of version 0: the first update wins, the second conflicts.
	stale, err := repo.FindByID(ctx, order.ID())
	require.NoError(t, err)
	require.NoError(t, byID.Cancel([]string{"no credit", "really"}))
	require.NoError(t, repo.Update(ctx, byID))
	require.NoError(t, stale.Pay())
	err = repo.Update(ctx, stale)
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(err))

	reread, err := repo.FindByID(ctx, order.ID())
	require.NoError(t, err)
	assert.Equal(t, kernel.OrderStatusCancelled, reread.Status())
	assert.Equal(t, []string{"no credit", "really"}, reread.FailureMessages())
	assert.Equal(t, 1, reread.Version())

	_, err = repo.FindByTrackingID(ctx, kernel.NewID[kernel.TrackingID]())
	assert.ErrorIs(t, err, kernel.ErrNotFound)
	_, err = repo.FindByID(ctx, kernel.NewID[kernel.OrderID]())
	assert.ErrorIs(t, err, kernel.ErrNotFound)
}

// An order whose insert fails writes nothing: not its address, not its
// items. The three tables are written by one statement.
func TestOrderRepositoryInsertIsAllOrNothing(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewOrderRepository(db)
	first := newOrder(t)
	require.NoError(t, repo.Insert(ctx, first))

	// A new order that reuses the first one's tracking id: its order row is
	// refused by the unique index, its address and items would fit.
	second := newOrder(t)
	twin := kerneltest.Must(domain.UnmarshalOrderFromDatabase(second.ID(), second.CustomerID(), second.RestaurantID(), second.DeliveryAddress(),
		second.Price(), second.Items(), first.TrackingID(), second.Status(), nil, 0))
	err := repo.Insert(ctx, twin)
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(err))

	for _, table := range []string{"orders", "order_address", "order_items"} {
		column := "order_id"
		if table == "orders" {
			column = "id"
		}
		var n int64
		require.NoError(t, db.Table(table).Where(column+" = ?", twin.ID().UUID()).Count(&n).Error)
		assert.Zero(t, n, "%s has no row of the refused order", table)
	}
	_, err = repo.FindByID(ctx, first.ID())
	assert.NoError(t, err, "the first order is untouched")
}

func TestTransactionRollsBackEveryWrite(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	orders := dataaccess.NewOrderRepository(db)
	payments := dataaccess.NewPaymentOutboxRepository(db, nil)
	order := newOrder(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	boom := errors.New("boom")

	err := postgres.NewTransactor(db).Transact(ctx, func(ctx context.Context) error {
		if err := orders.Insert(ctx, order); err != nil {
			return err
		}
		if err := payments.Save(ctx, paymentMessage(sagaID, order, kernel.PaymentOrderStatusPending, saga.StatusStarted)); err != nil {
			return err
		}
		return boom
	})

	require.ErrorIs(t, err, boom)
	_, err = orders.FindByID(ctx, order.ID())
	assert.ErrorIs(t, err, kernel.ErrNotFound)
	rows, err := payments.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusStarted)
	require.NoError(t, err)
	assert.Empty(t, rows)
}
