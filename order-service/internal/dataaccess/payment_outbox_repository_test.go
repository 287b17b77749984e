package dataaccess_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/postgres/pgtest"
	"github.com/food-ordering-system/infrastructure/saga"
	"github.com/food-ordering-system/infrastructure/tracing"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
)

func TestPaymentOutboxRepository(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewPaymentOutboxRepository(db)
	order := newOrder(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	p1 := paymentMessage(sagaID, order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	require.NoError(t, repo.Save(ctx, p1))

	// A second request of the same kind for the saga is refused.
	dup := paymentMessage(sagaID, order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(repo.Save(ctx, dup)))

	found, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusStarted)
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, p1, found[0], "a row reads back as it was written")

	none, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusProcessing, saga.StatusCompensating)
	require.NoError(t, err)
	assert.Empty(t, none)

	// The refund row of the same saga is allowed, and both rows can end
	// COMPENSATED (the original's unique index forbade it).
	p2 := paymentMessage(sagaID, order, kernel.PaymentOrderStatusCancelled, saga.StatusCompensating)
	p2.CreatedAt = createdAt.Add(time.Minute)
	require.NoError(t, repo.Save(ctx, p2))
	require.NoError(t, repo.Update(ctx, &application.PaymentOutboxMessage{ID: p1.ID, OrderStatus: kernel.OrderStatusPaid, SagaStatus: saga.StatusProcessing}))

	both, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusProcessing, saga.StatusCompensating)
	require.NoError(t, err)
	require.Len(t, both, 2)
	assert.Equal(t, []kernel.MessageID{p1.ID, p2.ID}, []kernel.MessageID{both[0].ID, both[1].ID}, "oldest first")
	for _, m := range both {
		m.OrderStatus, m.SagaStatus = kernel.OrderStatusCancelled, saga.StatusCompensated
		require.NoError(t, repo.Update(ctx, m))
	}
	done, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusCompensated)
	require.NoError(t, err)
	assert.Len(t, done, 2)
	assert.Equal(t, 2, done[0].Version)

	// A stale version conflicts.
	err = repo.Update(ctx, both[0])
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(err))
}

func TestSagaUpdateLeavesTheRelayColumnsAlone(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewPaymentOutboxRepository(db)
	store := dataaccess.NewPaymentOutboxStore(db, false)
	order := newOrder(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	p1 := paymentMessage(sagaID, order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	require.NoError(t, repo.Save(ctx, p1))
	read, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusStarted)
	require.NoError(t, err)

	// The relay publishes the row between the saga's read and its update.
	claimed, err := store.Claim(ctx, 10, func(_ context.Context, batch []outbox.Message) ([]uuid.UUID, error) {
		ids := make([]uuid.UUID, len(batch))
		for i, m := range batch {
			ids[i] = m.ID
		}
		return ids, nil
	})
	require.NoError(t, err)
	require.Equal(t, 1, claimed)

	// The relay touches only its own columns, never the saga's version, so
	// the saga's update of what it read before the publish goes through...
	stale := read[0]
	stale.OrderStatus, stale.SagaStatus = kernel.OrderStatusPaid, saga.StatusProcessing
	require.NoError(t, repo.Update(ctx, stale), "a publish does not conflict with a reply")

	// ...and leaves the relay's columns as the relay set them.
	after, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusProcessing)
	require.NoError(t, err)
	require.Len(t, after, 1)
	assert.Equal(t, outbox.StatusCompleted, after[0].OutboxStatus, "the saga never resets the relay's status")
	require.NotNil(t, after[0].ProcessedAt)
	assert.Equal(t, kernel.OrderStatusPaid, after[0].OrderStatus)

	// The version still guards the saga against itself: a second update from
	// the same stale read is refused.
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(repo.Update(ctx, stale)))
}

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

func TestOutboxInsertWakesTheRelay(t *testing.T) {
	db, cfg := newDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	wake := postgres.Listen(ctx, cfg, postgres.OutboxChannel(cfg.Schema, dataaccess.PaymentOutboxTable), zap.NewNop())
	select {
	case <-wake: // the signal every (re)connect sends
	case <-ctx.Done():
		t.Fatal("listener never connected")
	}

	order := newOrder(t)
	require.NoError(t, dataaccess.NewPaymentOutboxRepository(db).Save(ctx,
		paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusStarted)))

	select {
	case <-wake:
	case <-time.After(10 * time.Second):
		t.Fatal("no NOTIFY after an insert into payment_outbox")
	}
}

// A row keeps the trace of the span it was written in, for the relay to
// publish it on; a row written without one (tracing off) keeps NULL. Both
// outbox tables share the column.
func TestOutboxRowsKeepTheWritersTrace(t *testing.T) {
	db, _ := newDB(t)
	payments := dataaccess.NewPaymentOutboxRepository(db)
	approvals := dataaccess.NewApprovalOutboxRepository(db)
	order := newOrder(t)
	const traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	traced := tracing.ContextWithTraceParent(context.Background(), traceParent)
	tracedSaga, untracedSaga := kernel.NewID[kernel.SagaID](), kernel.NewID[kernel.SagaID]()
	require.NoError(t, payments.Save(traced, paymentMessage(tracedSaga, order, kernel.PaymentOrderStatusPending, saga.StatusStarted)))
	require.NoError(t, approvals.Save(traced, approvalMessage(tracedSaga, order)))
	require.NoError(t, payments.Save(context.Background(), paymentMessage(untracedSaga, order, kernel.PaymentOrderStatusPending, saga.StatusStarted)))
	require.NoError(t, approvals.Save(context.Background(), approvalMessage(untracedSaga, order)))

	for _, table := range []string{dataaccess.PaymentOutboxTable, dataaccess.OrderApprovalOutboxTable} {
		var rows []struct {
			SagaID      uuid.UUID
			TraceParent *string
		}
		require.NoError(t, db.Raw(`SELECT saga_id, trace_parent FROM `+table+` WHERE saga_id IN ?`,
			[]uuid.UUID{tracedSaga.UUID(), untracedSaga.UUID()}).Scan(&rows).Error)
		require.Len(t, rows, 2, table)
		for _, r := range rows {
			if r.SagaID == tracedSaga.UUID() {
				require.NotNil(t, r.TraceParent, table)
				assert.Equal(t, traceParent, *r.TraceParent, table)
			} else {
				assert.Nil(t, r.TraceParent, "%s: no span, NULL", table)
			}
		}
	}
}
