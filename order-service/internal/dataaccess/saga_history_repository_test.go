package dataaccess_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
	"github.com/food-ordering-system/order-service/internal/domain"
)

// placeOrder stores a new PENDING order and its payment request, as
// creating an order does.
func placeOrder(t *testing.T, db *gorm.DB) (*domain.Order, kernel.SagaID) {
	t.Helper()
	ctx := context.Background()
	order := newOrder(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	require.NoError(t, dataaccess.NewOrderRepository(db).Insert(ctx, order))
	require.NoError(t, dataaccess.NewPaymentOutboxRepository(db, nil).Save(ctx, paymentMessage(sagaID, order, kernel.PaymentOrderStatusPending, saga.StatusStarted)))
	return order, sagaID
}

// The database dates an order: created_at when it is placed, updated_at at
// every change. The history finds the saga's rows in the live tables and in
// the archives alike, and tells the payment, the refund and the approval
// request apart.
func TestSagaHistoryReadsTheOrdersTimesAndItsRowsLiveOrArchived(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	before := time.Now()
	order, sagaID := placeOrder(t, db)
	orders := dataaccess.NewOrderRepository(db)
	require.NoError(t, dataaccess.NewApprovalOutboxRepository(db, nil).Save(ctx, approvalMessage(sagaID, order)))
	refund := paymentMessage(sagaID, order, kernel.PaymentOrderStatusCancelled, saga.StatusCompensating)
	refund.CreatedAt = createdAt.Add(time.Minute)
	require.NoError(t, dataaccess.NewPaymentOutboxRepository(db, nil).Save(ctx, refund))
	published := createdAt.Add(2 * time.Second)
	pgtest.Exec(t, db, `UPDATE payment_outbox SET outbox_status = 'COMPLETED', processed_at = ?, resends = 2
		WHERE payment_order_status = 'PENDING'`, published)
	// The approval row was published and archived by the cleaner.
	pgtest.Exec(t, db, `UPDATE order_approval_outbox SET outbox_status = 'COMPLETED', processed_at = ?`, published)
	pgtest.Exec(t, db, `WITH moved AS (DELETE FROM order_approval_outbox RETURNING *) INSERT INTO order_approval_outbox_archive SELECT * FROM moved`)
	placed, err := orders.FindByID(ctx, order.ID())
	require.NoError(t, err)
	require.NoError(t, placed.Pay())
	require.NoError(t, orders.Update(ctx, placed))

	h, err := dataaccess.NewSagaHistoryRepository(db).FindByTrackingID(ctx, order.TrackingID())

	require.NoError(t, err)
	assert.Equal(t, order.ID(), h.OrderID)
	assert.Equal(t, order.TrackingID(), h.OrderTrackingID)
	assert.Equal(t, kernel.OrderStatusPaid, h.OrderStatus)
	assert.Empty(t, h.FailureMessages)
	assert.WithinRange(t, h.CreatedAt, before.Add(-time.Second), time.Now().Add(time.Second), "set by the database on insert")
	assert.True(t, h.UpdatedAt.After(h.CreatedAt), "moved by the update: %s, created %s", h.UpdatedAt, h.CreatedAt)
	require.NotNil(t, h.Payment)
	assert.Equal(t, application.SagaRequestRecord{CreatedAt: createdAt, PublishedAt: &published, OutboxStatus: outbox.StatusCompleted,
		SagaStatus: saga.StatusStarted, Resends: 2}, *h.Payment)
	require.NotNil(t, h.Refund)
	assert.Equal(t, createdAt.Add(time.Minute), h.Refund.CreatedAt)
	assert.Nil(t, h.Refund.PublishedAt)
	assert.Equal(t, saga.StatusCompensating, h.Refund.SagaStatus)
	require.NotNil(t, h.Approval, "found in the archive")
	assert.Equal(t, &published, h.Approval.PublishedAt)
	assert.Equal(t, saga.StatusProcessing, h.Approval.SagaStatus)

	_, err = dataaccess.NewSagaHistoryRepository(db).FindByTrackingID(ctx, kernel.NewID[kernel.TrackingID]())
	assert.ErrorIs(t, err, kernel.ErrNotFound)
}

// Only orders in the statuses asked for, placed longer ago than the age
// given (by the database's clock, which set created_at), are found and
// counted; the oldest first, up to the limit.
func TestSagaHistoryFindsAndCountsTheOrdersOpenForTooLong(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewSagaHistoryRepository(db)
	place := func(status kernel.OrderStatus, age time.Duration) *domain.Order {
		order, _ := placeOrder(t, db)
		pgtest.Exec(t, db, `UPDATE orders SET order_status = ?, created_at = now() - make_interval(secs => ?) WHERE id = ?`,
			string(status), (time.Minute + age).Seconds(), order.ID().UUID())
		return order
	}
	oldest := place(kernel.OrderStatusPending, time.Hour)
	cancelling := place(kernel.OrderStatusCancelling, 30*time.Minute)
	place(kernel.OrderStatusApproved, 2*time.Hour)    // final
	place(kernel.OrderStatusPending, -10*time.Second) // too young
	open := []kernel.OrderStatus{kernel.OrderStatusPending, kernel.OrderStatusPaid, kernel.OrderStatusCancelling}

	found, err := repo.FindByStatusOlderThan(ctx, open, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, found, 2)
	assert.Equal(t, oldest.ID(), found[0].OrderID, "oldest first")
	assert.Equal(t, cancelling.ID(), found[1].OrderID)
	assert.Equal(t, kernel.OrderStatusCancelling, found[1].OrderStatus)
	require.NotNil(t, found[1].Payment, "with its saga's rows")

	first, err := repo.FindByStatusOlderThan(ctx, open, time.Minute, 1)
	require.NoError(t, err)
	require.Len(t, first, 1)
	assert.Equal(t, oldest.ID(), first[0].OrderID)

	counts, err := repo.CountByStatusOlderThan(ctx, open, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, map[kernel.OrderStatus]int{kernel.OrderStatusPending: 1, kernel.OrderStatusCancelling: 1}, counts)

	none, err := repo.FindByStatusOlderThan(ctx, open, 24*time.Hour, 10)
	require.NoError(t, err)
	assert.NotNil(t, none)
	assert.Empty(t, none)
}
