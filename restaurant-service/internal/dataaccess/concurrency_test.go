package dataaccess_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/postgres/pgtest"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/dataaccess"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
	"github.com/food-ordering-system/restaurant-service/migrations"
)

// Concurrent deliveries of one request (a rebalance hands the partition over
// while the old owner is still handling it) race past the "already answered"
// check; the unique indexes must still leave one approval and one answer, and
// the losers must count as handled rather than fail.
func TestConcurrentDeliveriesOfOneRequestAnswerOnce(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS)
	outboxRepo := dataaccess.NewOrderOutboxRepository(db, false)
	helper := application.NewRestaurantApprovalRequestHelper(postgres.NewTransactor(db), domain.NewRestaurantDomainService(),
		dataaccess.NewRestaurantRepository(db), dataaccess.NewOrderApprovalRepository(db),
		application.NewOrderOutboxHelper(outboxRepo), time.Now, zap.NewNop())
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
	var approvals, answers int64
	require.NoError(t, db.Raw("SELECT count(*) FROM order_approval WHERE order_id = ?", request.OrderID.UUID()).Scan(&approvals).Error)
	require.NoError(t, db.Raw("SELECT count(*) FROM order_outbox WHERE saga_id = ?", request.SagaID.UUID()).Scan(&answers).Error)
	assert.Equal(t, int64(1), approvals)
	assert.Equal(t, int64(1), answers)
}
