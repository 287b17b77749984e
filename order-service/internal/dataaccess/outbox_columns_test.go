package dataaccess_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
)

func TestCleanersRemoveOnlyFinishedSagas(t *testing.T) {
	for _, archive := range []bool{false, true} {
		t.Run(map[bool]string{false: "delete", true: "archive"}[archive], func(t *testing.T) {
			db, _ := newDB(t)
			ctx := context.Background()
			payments := dataaccess.NewPaymentOutboxRepository(db, nil)
			approvals := dataaccess.NewApprovalOutboxRepository(db, nil)
			order := newOrder(t)

			// Finished: published and the saga over. Unfinished: published
			// but still PROCESSING, or SUCCEEDED but not yet published.
			insert := func(sagaStatus saga.Status, outboxStatus outbox.Status) {
				sagaID := kernel.NewID[kernel.SagaID]()
				p := paymentMessage(sagaID, order, kernel.PaymentOrderStatusPending, sagaStatus)
				p.OutboxStatus = outboxStatus
				require.NoError(t, payments.Save(ctx, p))
				a := approvalMessage(sagaID, order)
				a.SagaStatus, a.OutboxStatus = sagaStatus, outboxStatus
				require.NoError(t, approvals.Save(ctx, a))
			}
			insert(saga.StatusSucceeded, outbox.StatusCompleted)
			insert(saga.StatusCompensated, outbox.StatusCompleted)
			insert(saga.StatusFailed, outbox.StatusCompleted)
			insert(saga.StatusProcessing, outbox.StatusCompleted)
			insert(saga.StatusCompensating, outbox.StatusCompleted)
			insert(saga.StatusSucceeded, outbox.StatusStarted)

			for _, store := range []*postgres.OutboxStore{dataaccess.NewPaymentOutboxStore(db, archive), dataaccess.NewApprovalOutboxStore(db, archive)} {
				removed, err := store.CleanFinished(ctx)
				require.NoError(t, err)
				assert.Equal(t, int64(3), removed)
			}
			assert.Equal(t, int64(3), count(t, db, "payment_outbox"))
			assert.Equal(t, int64(3), count(t, db, "order_approval_outbox"))
			archived := map[bool]int64{false: 0, true: 3}[archive]
			assert.Equal(t, archived, count(t, db, "payment_outbox_archive"))
			assert.Equal(t, archived, count(t, db, "order_approval_outbox_archive"))
		})
	}
}
