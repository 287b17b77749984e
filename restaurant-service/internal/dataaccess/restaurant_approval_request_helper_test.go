package dataaccess_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/dataaccess"
	"github.com/food-ordering-system/restaurant-service/migrations"
)

// An invalid request is a business dead end: it is answered REJECTED with the
// reason, once; a redelivery after the cleaner removed the answer is answered
// again from the approval row, never decided a second time.
func TestInvalidRequestIsRejectedOnce(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	helper := newApprovalHelper(db)
	ctx := context.Background()
	request := application.RestaurantApprovalRequest{
		ID: kernel.NewID[kernel.MessageID](), SagaID: kernel.NewID[kernel.SagaID](), RestaurantID: restaurant1,
		OrderID: kernel.NewID[kernel.OrderID](), RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid,
		Products: []application.OrderProduct{{ID: product2, Quantity: 0}}, Price: kernel.MustParseMoney("0"), CreatedAt: time.Now(),
	}
	reason := "Quantity 0 of product with id: " + product2.String() + " is not positive in order: " + request.OrderID.String()

	require.NoError(t, helper.ApproveOrder(ctx, request))

	approval, err := dataaccess.NewOrderApprovalRepository(db).FindByOrderID(ctx, request.OrderID)
	require.NoError(t, err)
	assert.Equal(t, kernel.OrderApprovalStatusRejected, approval.Status())
	assert.Equal(t, []string{reason}, approval.FailureMessages())
	assert.Equal(t, int64(1), countOf(t, db, `SELECT count(*) FROM order_outbox WHERE saga_id = ? AND approval_status = 'REJECTED'
		AND payload->'failureMessages'->>0 = ?`, request.SagaID.UUID(), reason))

	require.NoError(t, helper.ApproveOrder(ctx, request), "a duplicate")
	pgtest.Exec(t, db, `DELETE FROM order_outbox`) // as the cleaner does once published
	require.NoError(t, helper.ApproveOrder(ctx, request), "a duplicate after the cleaner")

	assert.Equal(t, int64(1), countOf(t, db, `SELECT count(*) FROM order_outbox WHERE saga_id = ? AND approval_status = 'REJECTED'
		AND payload->'failureMessages'->>0 = ?`, request.SagaID.UUID(), reason), "answered again from the record, not decided again")
	assert.Equal(t, int64(1), countOf(t, db, `SELECT count(*) FROM order_approval WHERE order_id = ?`, request.OrderID.UUID()))
}

func TestRequestWithoutRestaurantIsRejectedWithoutApproval(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	helper := newApprovalHelper(db)
	ctx := context.Background()
	request := application.RestaurantApprovalRequest{
		ID: kernel.NewID[kernel.MessageID](), SagaID: kernel.NewID[kernel.SagaID](), OrderID: kernel.NewID[kernel.OrderID](),
		RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid,
		Products:              []application.OrderProduct{{ID: product2, Quantity: 1}}, Price: kernel.MustParseMoney("50.00"), CreatedAt: time.Now(),
	}

	require.NoError(t, helper.ApproveOrder(ctx, request))
	require.NoError(t, helper.ApproveOrder(ctx, request), "a duplicate")

	assert.Equal(t, int64(1), countOf(t, db, `SELECT count(*) FROM order_outbox WHERE saga_id = ? AND approval_status = 'REJECTED'
		AND payload->'failureMessages'->>0 = ?`, request.SagaID.UUID(),
		"Restaurant id is missing in the approval request of order: "+request.OrderID.String()), "one answer")
	assert.Equal(t, int64(0), countOf(t, db, `SELECT count(*) FROM order_approval`), "no approval without a restaurant")
}

// Concurrent deliveries of one request (a rebalance hands the partition over
// while the old owner is still handling it) race past the "already answered"
// check; the unique indexes must still leave one approval and one answer, and
// the losers must count as handled rather than fail.
func TestConcurrentDeliveriesOfOneRequestAnswerOnce(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	helper := newApprovalHelper(db)
	request := application.RestaurantApprovalRequest{
		ID:                    kernel.NewID[kernel.MessageID](),
		SagaID:                kernel.NewID[kernel.SagaID](),
		RestaurantID:          restaurant1,
		OrderID:               kernel.NewID[kernel.OrderID](),
		RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid,
		Products:              []application.OrderProduct{{ID: product2, Quantity: 1}},
		Price:                 kernel.MustParseMoney("50.00"),
		CreatedAt:             time.Now(),
	}

	const deliveries = 8
	errs := make([]error, deliveries)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range deliveries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = helper.ApproveOrder(context.Background(), request)
		}()
	}
	close(start)
	wg.Wait()

	for i, err := range errs {
		assert.NoError(t, err, "delivery %d", i)
	}
	assert.Equal(t, int64(1), countOf(t, db, "SELECT count(*) FROM order_approval WHERE order_id = ?", request.OrderID.UUID()))
	assert.Equal(t, int64(1), countOf(t, db, "SELECT count(*) FROM order_outbox WHERE saga_id = ?", request.SagaID.UUID()))
}

// The use case relies on this: the approval and its answer commit or roll
// back together, because both repositories join the transaction in ctx.
func TestApprovalAndOutboxRollBackTogether(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	tx := postgres.NewTransactor(db)
	approvals := dataaccess.NewOrderApprovalRepository(db)
	outboxRepo := dataaccess.NewOrderOutboxRepository(db, nil)
	ctx := context.Background()
	orderID := kernel.NewID[kernel.OrderID]()
	sagaID := kernel.NewID[kernel.SagaID]()
	boom := errors.New("boom")

	err := tx.Transact(ctx, func(ctx context.Context) error {
		require.NoError(t, approvals.Save(ctx, rejectedApproval(t, orderID)))
		require.NoError(t, outboxRepo.Save(ctx, outboxMessage(sagaID, kernel.EventTime(time.Now()))))
		return boom
	})
	require.ErrorIs(t, err, boom)

	_, err = approvals.FindByOrderID(ctx, orderID)
	assert.ErrorIs(t, err, kernel.ErrNotFound, "the approval was rolled back")
	assert.Zero(t, countOf(t, db, "SELECT count(*) FROM order_outbox WHERE saga_id = ?", sagaID.UUID()), "the outbox row was rolled back")
}

func approvalRequestOf(status kernel.RestaurantOrderStatus) application.RestaurantApprovalRequest {
	return application.RestaurantApprovalRequest{
		ID: kernel.NewID[kernel.MessageID](), SagaID: kernel.NewID[kernel.SagaID](), RestaurantID: restaurant1,
		OrderID: kernel.NewID[kernel.OrderID](), RestaurantOrderStatus: status,
		Products: []application.OrderProduct{{ID: product2, Quantity: 1}}, Price: kernel.MustParseMoney("50.00"), CreatedAt: time.Now(),
	}
}

// approvalStatus is the status of the order's approval.
func approvalStatus(t *testing.T, db *gorm.DB, orderID kernel.OrderID) string {
	t.Helper()
	var status []string
	require.NoError(t, db.Raw("SELECT status FROM order_approval WHERE order_id = ?", orderID.UUID()).Scan(&status).Error)
	require.Len(t, status, 1)
	return status[0]
}

// The restaurant learns of cancellations: an approved order becomes
// CANCELLED, and nothing is answered (order-service does not wait).
func TestCancellationOfAnApprovedOrderIsRecorded(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	helper := newApprovalHelper(db)
	ctx := context.Background()
	approval := approvalRequestOf(kernel.RestaurantOrderStatusPaid)
	require.NoError(t, helper.ApproveOrder(ctx, approval))
	require.Equal(t, "APPROVED", approvalStatus(t, db, approval.OrderID))

	cancellation := approval
	cancellation.ID, cancellation.RestaurantOrderStatus = kernel.NewID[kernel.MessageID](), kernel.RestaurantOrderStatusCancelled
	require.NoError(t, helper.CancelOrder(ctx, cancellation))
	require.NoError(t, helper.CancelOrder(ctx, cancellation), "a duplicate")

	assert.Equal(t, "CANCELLED", approvalStatus(t, db, approval.OrderID))
	assert.Equal(t, int64(1), countOf(t, db, "SELECT count(*) FROM order_outbox WHERE saga_id = ?", approval.SagaID.UUID()),
		"only the approval's answer")
}

// A cancellation that overtakes the approval request is recorded, and the
// request, when it comes, is answered REJECTED with that reason instead of
// approved; the record stays CANCELLED.
func TestApprovalRequestAfterItsCancellationIsRejected(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	helper := newApprovalHelper(db)
	ctx := context.Background()
	approval := approvalRequestOf(kernel.RestaurantOrderStatusPaid)
	cancellation := approval
	cancellation.ID, cancellation.RestaurantOrderStatus = kernel.NewID[kernel.MessageID](), kernel.RestaurantOrderStatusCancelled

	require.NoError(t, helper.CancelOrder(ctx, cancellation))
	require.Equal(t, "CANCELLED", approvalStatus(t, db, approval.OrderID))
	require.NoError(t, helper.ApproveOrder(ctx, approval))

	assert.Equal(t, "CANCELLED", approvalStatus(t, db, approval.OrderID))
	assert.Equal(t, int64(1), countOf(t, db, `SELECT count(*) FROM order_outbox WHERE saga_id = ? AND approval_status = 'REJECTED'
		AND payload->'failureMessages'->>0 = ?`, approval.SagaID.UUID(),
		"Order with id: "+approval.OrderID.String()+" was cancelled before the restaurant approved it"))
}

// A request answered before is answered again under the same message id,
// whatever became of the first answer (published, parked), so that a
// requester's resend recovers a lost answer; once the cleaner removed the
// answer, it is answered again from the approval's record.
func TestRepeatedRequestIsAnsweredAgain(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	helper := newApprovalHelper(db)
	ctx := context.Background()
	request := approvalRequestOf(kernel.RestaurantOrderStatusPaid)
	require.NoError(t, helper.ApproveOrder(ctx, request))
	var answers []string
	require.NoError(t, db.Raw("SELECT id::text FROM order_outbox WHERE saga_id = ?", request.SagaID.UUID()).Scan(&answers).Error)
	require.Len(t, answers, 1)

	for _, gone := range []string{"COMPLETED", "FAILED"} {
		pgtest.Exec(t, db, `UPDATE order_outbox SET outbox_status = ?, processed_at = CASE WHEN ? = 'COMPLETED' THEN now() END, attempts = 5
			WHERE saga_id = ?`, gone, gone, request.SagaID.UUID())
		require.NoError(t, helper.ApproveOrder(ctx, request))
		assert.Equal(t, int64(1), countOf(t, db, `SELECT count(*) FROM order_outbox WHERE id::text = ? AND outbox_status = 'STARTED'
			AND processed_at IS NULL AND attempts = 0`, answers[0]), "the %s answer goes out again, same id", gone)
	}

	pgtest.Exec(t, db, "DELETE FROM order_outbox WHERE saga_id = ?", request.SagaID.UUID())
	require.NoError(t, helper.ApproveOrder(ctx, request))
	assert.Equal(t, int64(1), countOf(t, db, `SELECT count(*) FROM order_outbox WHERE saga_id = ? AND approval_status = 'APPROVED'
		AND outbox_status = 'STARTED'`, request.SagaID.UUID()), "answered again from the record")
	assert.Equal(t, "APPROVED", approvalStatus(t, db, request.OrderID))
}
