package dataaccess_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/testkit/outboxtest"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
)

func TestApprovalOutboxRepository(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewApprovalOutboxRepository(db, nil)
	order := newOrder(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	a := approvalMessage(sagaID, order)
	a.Resends = 2 // every column makes the round trip
	require.NoError(t, repo.Save(ctx, a))
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(repo.Save(ctx, approvalMessage(sagaID, order))), "one approval row per saga")

	found, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusProcessing)
	require.NoError(t, err)
	assert.Equal(t, a, found)

	_, err = repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusCompensating)
	assert.ErrorIs(t, err, kernel.ErrNotFound)

	found.OrderStatus, found.SagaStatus = kernel.OrderStatusCancelling, saga.StatusCompensating
	require.NoError(t, repo.Update(ctx, found))
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(repo.Update(ctx, found)), "stale version")

	moved, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusCompensating)
	require.NoError(t, err)
	assert.Equal(t, kernel.OrderStatusCancelling, moved.OrderStatus)
	assert.Equal(t, 1, moved.Version)
}

func TestApprovalOutboxOverdueAndResend(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewApprovalOutboxRepository(db, nil)
	order := newOrder(t)
	waiting := approvalMessage(kernel.NewID[kernel.SagaID](), order)
	done := approvalMessage(kernel.NewID[kernel.SagaID](), order)
	done.SagaStatus = saga.StatusSucceeded
	unsent := approvalMessage(kernel.NewID[kernel.SagaID](), order)
	for _, m := range []*application.OrderApprovalOutboxMessage{waiting, done, unsent} {
		m.CreatedAt = time.Now().Add(-time.Hour)
		require.NoError(t, repo.Save(ctx, m))
	}
	publishedAgo(t, db, dataaccess.OrderApprovalOutboxTable, waiting.ID, 2*time.Minute)
	publishedAgo(t, db, dataaccess.OrderApprovalOutboxTable, done.ID, 2*time.Minute)

	overdue, err := repo.FindOverdue(ctx, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, overdue, 1, "an ended saga's row and a row never published are not overdue")
	assert.Equal(t, waiting.ID, overdue[0].ID)
	require.NoError(t, repo.Resend(ctx, overdue[0]))

	none, err := repo.FindOverdue(ctx, time.Minute, 10)
	require.NoError(t, err)
	assert.Empty(t, none, "a resent row waits for the relay before its deadline runs again")
	row, err := repo.FindBySagaIDAndSagaStatus(ctx, waiting.SagaID, saga.StatusProcessing)
	require.NoError(t, err)
	assert.Equal(t, 1, row.Resends)
}

// A saga has one approval request and at most one cancellation for the
// restaurant; the saga's look-ups see only the approval request, and a
// published cancellation is finished for the cleaner at once.
func TestApprovalOutboxKeepsTheCancellationApart(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewApprovalOutboxRepository(db, nil)
	store := dataaccess.NewApprovalOutboxStore(db, false)
	order := newOrder(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	approval := approvalMessage(sagaID, order)
	approval.SagaStatus = saga.StatusCompensating
	require.NoError(t, repo.Save(ctx, approval))
	cancellation := approvalMessage(sagaID, order)
	cancellation.RestaurantOrderStatus = kernel.RestaurantOrderStatusCancelled
	cancellation.Payload.RestaurantOrderStatus = kernel.RestaurantOrderStatusCancelled
	cancellation.SagaStatus = saga.StatusCompensating
	require.NoError(t, repo.Save(ctx, cancellation))

	twice := approvalMessage(sagaID, order)
	twice.RestaurantOrderStatus = kernel.RestaurantOrderStatusCancelled
	err := repo.Save(ctx, twice)
	assert.ErrorIs(t, err, kernel.ErrDuplicate, "one cancellation per saga")
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(err))

	found, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusCompensating)
	require.NoError(t, err)
	assert.Equal(t, approval.ID, found.ID, "the saga finds its approval request, not the cancellation")
	assert.Equal(t, kernel.RestaurantOrderStatusPaid, found.RestaurantOrderStatus)

	publishedAgo(t, db, dataaccess.OrderApprovalOutboxTable, approval.ID, time.Second)
	publishedAgo(t, db, dataaccess.OrderApprovalOutboxTable, cancellation.ID, time.Second)
	cleaned, err := store.CleanFinished(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 1, cleaned, "the published cancellation goes; the approval request waits for its saga to end")
	var left []string
	require.NoError(t, db.Raw(`SELECT id::text FROM order_approval_outbox`).Scan(&left).Error)
	assert.Equal(t, []string{approval.ID.String()}, left)
}

func TestApprovalOutboxRowIsPublishedAtCommit(t *testing.T) {
	db, _ := newDB(t)
	relay := &outboxtest.AtCommit{}
	repo := dataaccess.NewApprovalOutboxRepository(db, relay)
	order := newOrder(t)
	outboxtest.CheckPublishAtCommit(t, db, dataaccess.OrderApprovalOutboxTable, relay, func(ctx context.Context) (uuid.UUID, error) {
		msg := approvalMessage(kernel.NewID[kernel.SagaID](), order)
		return msg.ID.UUID(), repo.Save(ctx, msg)
	})
}
