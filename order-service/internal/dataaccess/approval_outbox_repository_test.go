package dataaccess_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/saga"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
)

func TestApprovalOutboxRepository(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewApprovalOutboxRepository(db)
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
	assert.ErrorIs(t, err, application.ErrNotFound)

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
	repo := dataaccess.NewApprovalOutboxRepository(db)
	order := newOrder(t)
	waiting := approvalMessage(kernel.NewID[kernel.SagaID](), order)
	done := approvalMessage(kernel.NewID[kernel.SagaID](), order)
	done.SagaStatus = saga.StatusSucceeded
	require.NoError(t, repo.Save(ctx, waiting))
	require.NoError(t, repo.Save(ctx, done))

	overdue, err := repo.FindOverdue(ctx, createdAt.Add(time.Minute), 10)
	require.NoError(t, err)
	require.Len(t, overdue, 1)
	assert.Equal(t, waiting.ID, overdue[0].ID)
	require.NoError(t, repo.Resend(ctx, overdue[0]))

	none, err := repo.FindOverdue(ctx, createdAt.Add(time.Minute), 10)
	require.NoError(t, err)
	assert.Empty(t, none, "resent_at is the new start of the wait")
	row, err := repo.FindBySagaIDAndSagaStatus(ctx, waiting.SagaID, saga.StatusProcessing)
	require.NoError(t, err)
	assert.Equal(t, 1, row.Resends)
}
