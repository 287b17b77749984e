package dataaccess_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/postgres/pgtest"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/dataaccess"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
	"github.com/food-ordering-system/restaurant-service/migrations"
)

// newApprovalHelper is the real use case on the real repositories.
func newApprovalHelper(db *gorm.DB) *application.RestaurantApprovalRequestHelper {
	return application.NewRestaurantApprovalRequestHelper(postgres.NewTransactor(db), domain.NewRestaurantDomainService(),
		dataaccess.NewRestaurantRepository(db), dataaccess.NewOrderApprovalRepository(db),
		application.NewOrderOutboxHelper(dataaccess.NewOrderOutboxRepository(db, false)), time.Now, zap.NewNop())
}

func countOf(t *testing.T, db *gorm.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.Raw(query, args...).Scan(&n).Error)
	return n
}

// An invalid request is a business dead end: it is answered REJECTED with the
// reason, and its approval row keeps a redelivery from being answered again
// once the cleaner has removed the answer.
func TestInvalidRequestIsRejectedOnce(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS)
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
	db, _ := pgtest.New(t, migrations.FS)
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
