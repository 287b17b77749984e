package dataaccess_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/postgres/pgtest"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/dataaccess"
	"github.com/food-ordering-system/restaurant-service/migrations"
)

// An invalid request is a business dead end: it is answered REJECTED with the
// reason, and its approval row keeps a redelivery from being answered again
// once the cleaner has removed the answer.
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

	require.NoError(t, helper.PersistOrderApproval(ctx, request))

	approval, err := dataaccess.NewOrderApprovalRepository(db).FindByOrderID(ctx, request.OrderID)
	require.NoError(t, err)
	assert.Equal(t, kernel.OrderApprovalStatusRejected, approval.Status())
	assert.Equal(t, []string{reason}, approval.FailureMessages())
	assert.Equal(t, int64(1), countOf(t, db, `SELECT count(*) FROM order_outbox WHERE saga_id = ? AND approval_status = 'REJECTED'
		AND payload->'failureMessages'->>0 = ?`, request.SagaID.UUID(), reason))

	require.NoError(t, helper.PersistOrderApproval(ctx, request), "a duplicate")
	pgtest.Exec(t, db, `DELETE FROM order_outbox`) // as the cleaner does once published
	require.NoError(t, helper.PersistOrderApproval(ctx, request), "a duplicate after the cleaner")

	assert.Equal(t, int64(0), countOf(t, db, `SELECT count(*) FROM order_outbox`), "no second answer")
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

	require.NoError(t, helper.PersistOrderApproval(ctx, request))
	require.NoError(t, helper.PersistOrderApproval(ctx, request), "a duplicate")

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
			errs[i] = helper.PersistOrderApproval(context.Background(), request)
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
	outboxRepo := dataaccess.NewOrderOutboxRepository(db, false)
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
	assert.ErrorIs(t, err, application.ErrNotFound, "the approval was rolled back")
	answered, err := outboxRepo.ExistsBySagaID(ctx, sagaID)
	require.NoError(t, err)
	assert.False(t, answered, "the outbox row was rolled back")
}
