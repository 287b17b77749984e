package dataaccess_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/postgres/pgtest"
	"github.com/food-ordering-system/infrastructure/saga"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
)

// Only rows still waiting for an answer, last sent before the deadline, are
// overdue; a resend hands the row back to the relay under the same id, wakes
// the relay, and moves the row's deadline.
func TestPaymentOutboxOverdueAndResend(t *testing.T) {
	db, cfg := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewPaymentOutboxRepository(db)
	order := newOrder(t)
	waiting := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	paid := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusProcessing)
	refund := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusCancelled, saga.StatusCompensating)
	fresh := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	fresh.CreatedAt = createdAt.Add(time.Hour)
	for _, m := range []*application.PaymentOutboxMessage{waiting, paid, refund, fresh} {
		require.NoError(t, repo.Save(ctx, m))
	}
	pgtest.Exec(t, db, `UPDATE payment_outbox SET outbox_status = 'FAILED', attempts = 5 WHERE id = ?`, waiting.ID.UUID())
	deadline := createdAt.Add(time.Minute)

	overdue, err := repo.FindOverdue(ctx, deadline, 10)
	require.NoError(t, err)
	ids := []kernel.MessageID{}
	for _, m := range overdue {
		ids = append(ids, m.ID)
	}
	assert.ElementsMatch(t, []kernel.MessageID{waiting.ID, refund.ID}, ids, "a paid saga's row and a fresh row are not overdue")

	listenCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	wake := postgres.Listen(listenCtx, cfg, postgres.OutboxChannel(cfg.Schema, dataaccess.PaymentOutboxTable), zap.NewNop())
	<-wake // connected
	var row *application.PaymentOutboxMessage
	for _, m := range overdue {
		if m.ID == waiting.ID {
			row = m
		}
	}
	require.NoError(t, repo.Resend(ctx, row))
	select {
	case <-wake:
	case <-time.After(10 * time.Second):
		t.Fatal("a resend does not wake the relay")
	}

	after, err := repo.FindBySagaIDAndSagaStatus(ctx, waiting.SagaID, saga.StatusStarted)
	require.NoError(t, err)
	require.Len(t, after, 1)
	assert.Equal(t, waiting.ID, after[0].ID, "the same message id is sent again")
	assert.Equal(t, outbox.StatusStarted, after[0].OutboxStatus, "a parked row is handed back to the relay")
	assert.Nil(t, after[0].ProcessedAt)
	assert.Equal(t, 1, after[0].Resends)
	var attempts int
	require.NoError(t, db.Raw(`SELECT attempts FROM payment_outbox WHERE id = ?`, waiting.ID.UUID()).Scan(&attempts).Error)
	assert.Zero(t, attempts, "a resent row gets its attempts back")

	again, err := repo.FindOverdue(ctx, deadline, 10)
	require.NoError(t, err)
	require.Len(t, again, 1, "the resend moved the row's deadline")
	assert.Equal(t, refund.ID, again[0].ID)

	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(repo.Resend(ctx, row)), "a stale read cannot resend twice")
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
