package dataaccess_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/testkit/outboxtest"
	"github.com/food-ordering-system/infrastructure/tracing"
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/dataaccess"
)

func outboxMessage(sagaID kernel.SagaID, request kernel.PaymentOrderStatus) application.OrderOutboxMessage {
	at := kernel.EventTime(time.Now())
	return application.OrderOutboxMessage{
		ID: kernel.NewID[kernel.MessageID](), SagaID: sagaID, CreatedAt: at, Type: saga.OrderSagaName,
		Payload: application.OrderEventPayload{PaymentID: kernel.NewID[kernel.PaymentID](), CustomerID: seededCustomer, OrderID: kernel.NewID[kernel.OrderID](), Price: kerneltest.Money("12.50"),
			CreatedAt: at, PaymentStatus: kernel.PaymentStatusCompleted, FailureMessages: []string{}},
		PaymentStatus: kernel.PaymentStatusCompleted, PaymentOrderStatus: request, OutboxStatus: outbox.StatusStarted,
	}
}

func TestOrderOutboxRepository(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx := context.Background()
	repo := dataaccess.NewOrderOutboxRepository(db, nil)
	sagaID := kernel.NewID[kernel.SagaID]()
	msg := outboxMessage(sagaID, kernel.PaymentOrderStatusPending)

	exists, err := repo.ResendBySagaIDAndPaymentOrderStatus(ctx, sagaID, kernel.PaymentOrderStatusPending)
	require.NoError(t, err)
	assert.False(t, exists)

	require.NoError(t, repo.Save(ctx, msg))

	exists, err = repo.ResendBySagaIDAndPaymentOrderStatus(ctx, sagaID, kernel.PaymentOrderStatusPending)
	require.NoError(t, err)
	assert.True(t, exists)
	exists, err = repo.ResendBySagaIDAndPaymentOrderStatus(ctx, sagaID, kernel.PaymentOrderStatusCancelled)
	require.NoError(t, err)
	assert.False(t, exists, "the cancel request of the saga is not answered")

	err = repo.Save(ctx, outboxMessage(sagaID, kernel.PaymentOrderStatusPending))
	assert.True(t, errors.Is(err, kernel.ErrDuplicate), "a second answer to one request: got %v", err)
	require.NoError(t, repo.Save(ctx, outboxMessage(sagaID, kernel.PaymentOrderStatusCancelled)))

	// The relay sees the row with its payload as JSON, marks it COMPLETED, and
	// the cleaner removes it.
	store := dataaccess.NewOrderOutboxStore(db, false)
	var claimed []outbox.Message
	n, err := store.Claim(ctx, 10, func(_ context.Context, batch []outbox.Message) ([]uuid.UUID, error) {
		claimed = batch
		return []uuid.UUID{msg.ID.UUID()}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	require.Len(t, claimed, 2)
	assert.Equal(t, msg.ID.UUID(), claimed[0].ID, "creation order")
	assert.Equal(t, sagaID.UUID(), claimed[0].SagaID)
	var payload application.OrderEventPayload
	require.NoError(t, json.Unmarshal(claimed[0].Payload, &payload))
	assert.Equal(t, msg.Payload.OrderID, payload.OrderID)
	assert.Equal(t, "12.50", payload.Price.String())

	removed, err := store.CleanFinished(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), removed)
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE outbox_status = 'STARTED'`))
	assert.Equal(t, 0, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE outbox_status = 'COMPLETED'`))
}

func TestOrderOutboxArchive(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx := context.Background()
	msg := outboxMessage(kernel.NewID[kernel.SagaID](), kernel.PaymentOrderStatusPending)
	require.NoError(t, dataaccess.NewOrderOutboxRepository(db, nil).Save(ctx, msg))
	store := dataaccess.NewOrderOutboxStore(db, true)
	_, err := store.Claim(ctx, 10, func(_ context.Context, batch []outbox.Message) ([]uuid.UUID, error) {
		return []uuid.UUID{batch[0].ID}, nil
	})
	require.NoError(t, err)

	removed, err := store.CleanFinished(ctx)

	require.NoError(t, err)
	assert.Equal(t, int64(1), removed)
	assert.Equal(t, 0, countRows(t, db, `SELECT count(*) FROM order_outbox`))
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM order_outbox_archive
		WHERE id = ? AND outbox_status = 'COMPLETED' AND processed_at IS NOT NULL`, msg.ID.UUID()))
}

func TestOrderOutboxRowIsPublishedAtCommit(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	relay := &outboxtest.AtCommit{}
	repo := dataaccess.NewOrderOutboxRepository(db, relay)
	outboxtest.CheckPublishAtCommit(t, db, dataaccess.OrderOutboxTable, relay, func(ctx context.Context) (uuid.UUID, error) {
		msg := outboxMessage(kernel.NewID[kernel.SagaID](), kernel.PaymentOrderStatusPending)
		return msg.ID.UUID(), repo.Save(ctx, msg)
	})
}

// A row keeps the trace of the span it was written in, for the relay to
// publish it on; a row written without one (tracing off) keeps NULL.
func TestOrderOutboxKeepsTheWritersTrace(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	repo := dataaccess.NewOrderOutboxRepository(db, nil)
	const traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	traced := outboxMessage(kernel.NewID[kernel.SagaID](), kernel.PaymentOrderStatusPending)
	untraced := outboxMessage(kernel.NewID[kernel.SagaID](), kernel.PaymentOrderStatusPending)
	require.NoError(t, repo.Save(tracing.ContextWithTraceParent(context.Background(), traceParent), traced))
	require.NoError(t, repo.Save(context.Background(), untraced))

	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE id = ? AND trace_parent IS NULL`, untraced.ID.UUID()))
	got := map[uuid.UUID]string{}
	_, err := dataaccess.NewOrderOutboxStore(db, false).Claim(context.Background(), 10,
		func(_ context.Context, batch []outbox.Message) ([]uuid.UUID, error) {
			for _, m := range batch {
				got[m.ID] = m.TraceParent
			}
			return nil, nil
		})
	require.NoError(t, err)
	assert.Equal(t, map[uuid.UUID]string{traced.ID.UUID(): traceParent, untraced.ID.UUID(): ""}, got)
}
