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
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/testkit/outboxtest"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/infrastructure/tracing"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
)

func TestPaymentOutboxRepository(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewPaymentOutboxRepository(db, nil)
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
	repo := dataaccess.NewPaymentOutboxRepository(db, nil)
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

// Only requests still waiting for an answer and published long enough ago
// are overdue. A request that never left the outbox is never overdue,
// however old: silence from a receiver that was never asked is no answer. A
// resend hands the row back to the relays under the same id, free for the
// next claim, and the deadline starts again only when the relay publishes it again.
func TestPaymentOutboxOverdueAndResend(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewPaymentOutboxRepository(db, nil)
	order := newOrder(t)
	waiting := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	paid := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusProcessing)
	refund := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusCancelled, saga.StatusCompensating)
	recent := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	unsent := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	parked := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	for _, m := range []*application.PaymentOutboxMessage{waiting, paid, refund, recent, unsent, parked} {
		m.CreatedAt = time.Now().Add(-time.Hour) // written long ago
		require.NoError(t, repo.Save(ctx, m))
	}
	for _, m := range []*application.PaymentOutboxMessage{waiting, paid, refund} {
		publishedAgo(t, db, dataaccess.PaymentOutboxTable, m.ID, 2*time.Minute)
	}
	publishedAgo(t, db, dataaccess.PaymentOutboxTable, recent.ID, 10*time.Second)
	pgtest.Exec(t, db, `UPDATE payment_outbox SET outbox_status = 'FAILED', attempts = 5 WHERE id = ?`, parked.ID.UUID())

	overdue, err := repo.FindOverdue(ctx, time.Minute, time.Hour, 10)
	require.NoError(t, err)
	ids := []kernel.MessageID{}
	for _, m := range overdue {
		ids = append(ids, m.ID)
	}
	assert.ElementsMatch(t, []kernel.MessageID{waiting.ID, refund.ID}, ids,
		"a paid saga's row, a row published recently, and rows never published (waiting or parked) are not overdue")

	var row *application.PaymentOutboxMessage
	for _, m := range overdue {
		if m.ID == waiting.ID {
			row = m
		}
	}
	pgtest.Exec(t, db, `UPDATE payment_outbox SET lease_until = clock_timestamp() + interval '1 hour' WHERE id = ?`, row.ID.UUID())
	require.NoError(t, repo.Resend(ctx, row))
	var claimed []uuid.UUID
	_, err = dataaccess.NewPaymentOutboxStore(db, false).Claim(ctx, 10, func(_ context.Context, batch []outbox.Message) ([]uuid.UUID, error) {
		for _, m := range batch {
			claimed = append(claimed, m.ID)
		}
		return nil, nil
	})
	require.NoError(t, err)
	assert.Contains(t, claimed, row.ID.UUID(), "a resent row is free for the next claim, whatever lease it had")

	after, err := repo.FindBySagaIDAndSagaStatus(ctx, waiting.SagaID, saga.StatusStarted)
	require.NoError(t, err)
	require.Len(t, after, 1)
	assert.Equal(t, waiting.ID, after[0].ID, "the same message id is sent again")
	assert.Equal(t, outbox.StatusStarted, after[0].OutboxStatus, "the row is handed back to the relay")
	assert.Nil(t, after[0].ProcessedAt)
	assert.Equal(t, 1, after[0].Resends)

	again, err := repo.FindOverdue(ctx, time.Minute, time.Hour, 10)
	require.NoError(t, err)
	require.Len(t, again, 1, "a resent row waiting for the relay is not overdue")
	assert.Equal(t, refund.ID, again[0].ID)

	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(repo.Resend(ctx, row)), "a stale read cannot resend twice")
}

// An unanswered refund is sent again with a wait that doubles with each
// resend, up to a cap: published 5 minutes ago with a 1-minute reply
// timeout, it is overdue after 0, 1 and 2 resends (1, 2 and 4 minutes) but
// not after 3 (8 minutes), unless the cap is lower.
func TestRefundDeadlineDoublesWithEachResendUpToTheCap(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewPaymentOutboxRepository(db, nil)
	order := newOrder(t)
	for resends, want := range map[int]bool{0: true, 1: true, 2: true, 3: false, 40: false} {
		refund := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusCancelled, saga.StatusCompensating)
		refund.Resends = resends
		require.NoError(t, repo.Save(ctx, refund))
		publishedAgo(t, db, dataaccess.PaymentOutboxTable, refund.ID, 5*time.Minute)

		uncapped, err := repo.FindOverdue(ctx, time.Minute, time.Hour, 100)
		require.NoError(t, err)
		assert.Equal(t, want, containsMessage(uncapped, refund.ID), "%d resends", resends)
		capped, err := repo.FindOverdue(ctx, time.Minute, 3*time.Minute, 100)
		require.NoError(t, err)
		assert.True(t, containsMessage(capped, refund.ID), "%d resends, capped at 3 minutes", resends)
		pgtest.Exec(t, db, `DELETE FROM payment_outbox WHERE id = ?`, refund.ID.UUID())
	}
}

func containsMessage(msgs []*application.PaymentOutboxMessage, id kernel.MessageID) bool {
	for _, m := range msgs {
		if m.ID == id {
			return true
		}
	}
	return false
}

// The deadline is measured in the database, against the clock of the
// relay's mark: the clock of the service that wrote the row (its created_at,
// here a minute ahead of the database or behind it) changes nothing.
func TestDeadlinesIgnoreTheServicesClock(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewPaymentOutboxRepository(db, nil)
	approvals := dataaccess.NewApprovalOutboxRepository(db, nil)
	order := newOrder(t)
	for _, skew := range []time.Duration{time.Minute, -time.Minute} {
		pay := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
		appr := approvalMessage(kernel.NewID[kernel.SagaID](), order)
		pay.CreatedAt, appr.CreatedAt = time.Now().Add(skew), time.Now().Add(skew)
		require.NoError(t, repo.Save(ctx, pay))
		require.NoError(t, approvals.Save(ctx, appr))
		publishedAgo(t, db, dataaccess.PaymentOutboxTable, pay.ID, 5*time.Second)
		publishedAgo(t, db, dataaccess.OrderApprovalOutboxTable, appr.ID, 5*time.Second)

		payments, err := repo.FindOverdue(ctx, 30*time.Second, time.Hour, 100)
		require.NoError(t, err)
		assert.False(t, containsMessage(payments, pay.ID), "skew %s: published 5 s ago, 30 s to answer", skew)
		waiting, err := approvals.FindOverdue(ctx, 30*time.Second, 100)
		require.NoError(t, err)
		assert.Empty(t, waiting, "skew %s", skew)

		payments, err = repo.FindOverdue(ctx, 2*time.Second, time.Hour, 100)
		require.NoError(t, err)
		assert.True(t, containsMessage(payments, pay.ID), "skew %s: published 5 s ago, 2 s to answer", skew)
		waiting, err = approvals.FindOverdue(ctx, 2*time.Second, 100)
		require.NoError(t, err)
		require.Len(t, waiting, 1, "skew %s", skew)
		assert.Equal(t, appr.ID, waiting[0].ID)
		pgtest.Exec(t, db, `DELETE FROM payment_outbox`)
		pgtest.Exec(t, db, `DELETE FROM order_approval_outbox`)
	}
}

// A saga step that moves a request's row withdraws the request if no relay
// has published it yet: the relay never sends it afterwards. A published
// row stays COMPLETED.
func TestSagaUpdateWithdrawsAnUnpublishedRequest(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewPaymentOutboxRepository(db, nil)
	store := dataaccess.NewPaymentOutboxStore(db, false)
	order := newOrder(t)
	unsent := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	sent := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	sending := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	require.NoError(t, repo.Save(ctx, unsent))
	require.NoError(t, repo.Save(ctx, sent))
	require.NoError(t, dataaccess.NewPaymentOutboxRepository(db, &outboxtest.AtCommit{}).Save(ctx, sending))
	publishedAgo(t, db, dataaccess.PaymentOutboxTable, sent.ID, time.Second)

	all := []*application.PaymentOutboxMessage{unsent, sent, sending}
	for _, m := range all {
		m.OrderStatus, m.SagaStatus = kernel.OrderStatusCancelled, saga.StatusCompensated
		require.NoError(t, repo.Update(ctx, m))
	}

	statuses := func() map[kernel.MessageID]string {
		out := map[kernel.MessageID]string{}
		for _, m := range all {
			var status string
			require.NoError(t, db.Raw(`SELECT outbox_status FROM payment_outbox WHERE id = ?`, m.ID.UUID()).Scan(&status).Error)
			out[m.ID] = status
		}
		return out
	}
	assert.Equal(t, map[kernel.MessageID]string{unsent.ID: "WITHDRAWN", sent.ID: "COMPLETED", sending.ID: "STARTED"}, statuses(),
		"a row its writer's relay may be sending is left to that relay")
	claimed, err := store.Claim(ctx, 10, func(_ context.Context, batch []outbox.Message) ([]uuid.UUID, error) {
		t.Errorf("the relay publishes %d withdrawn, published or leased rows", len(batch))
		return nil, nil
	})
	require.NoError(t, err)
	assert.Zero(t, claimed)
	busy, err := store.MarkPublished(ctx, []outbox.Mark{{ID: sending.ID.UUID(), PublishedAt: time.Now()}})
	require.NoError(t, err)
	assert.Empty(t, busy)
	assert.Equal(t, "COMPLETED", statuses()[sending.ID], "the relay marks what it sent")
	cleaned, err := store.CleanFinished(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 3, cleaned, "a withdrawn row of an ended saga is finished")
}

// A row keeps the trace of the span it was written in, for the relay to
// publish it on; a row written without one (tracing off) keeps NULL. Both
// outbox tables share the column.
func TestOutboxRowsKeepTheWritersTrace(t *testing.T) {
	db, _ := newDB(t)
	payments := dataaccess.NewPaymentOutboxRepository(db, nil)
	approvals := dataaccess.NewApprovalOutboxRepository(db, nil)
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

func TestPaymentOutboxRowIsPublishedAtCommit(t *testing.T) {
	db, _ := newDB(t)
	relay := &outboxtest.AtCommit{}
	repo := dataaccess.NewPaymentOutboxRepository(db, relay)
	order := newOrder(t)
	outboxtest.CheckPublishAtCommit(t, db, dataaccess.PaymentOutboxTable, relay, func(ctx context.Context) (uuid.UUID, error) {
		msg := paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
		return msg.ID.UUID(), repo.Save(ctx, msg)
	})
}
