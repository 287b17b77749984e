package dataaccess_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/postgres/pgtest"
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/dataaccess"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

// These tests run the real PaymentRequestHelper on the real repositories, to
// prove what only the database can: the row lock and the unique indexes.

func newHelper(db *gorm.DB) *application.PaymentRequestHelper {
	return application.NewPaymentRequestHelper(domain.NewPaymentDomainService(nil),
		dataaccess.NewPaymentRepository(db), dataaccess.NewCreditEntryRepository(db), dataaccess.NewCreditHistoryRepository(db),
		application.NewOrderOutboxHelper(dataaccess.NewOrderOutboxRepository(db)), postgres.NewTransactor(db), zap.NewNop())
}

func request(customer kernel.CustomerID, price string, kind kernel.PaymentOrderStatus) application.PaymentRequest {
	return application.PaymentRequest{ID: kernel.NewID[kernel.MessageID](), SagaID: kernel.NewID[kernel.SagaID](), CustomerID: customer, OrderID: kernel.NewID[kernel.OrderID](),
		Price: money(price), CreatedAt: time.Now(), PaymentOrderStatus: kind}
}

// concurrently runs fn n times at once and returns the errors.
func concurrently(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

func TestConcurrentPaymentsNeverOverdraw(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	helper := newHelper(db)
	customer := addCustomer(t, db, "100.00")

	errs := concurrently(50, func(int) error {
		return helper.PersistPayment(context.Background(), request(customer, "10.00", kernel.PaymentOrderStatusPending))
	})

	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 10, countRows(t, db, `SELECT count(*) FROM payments WHERE customer_id = ? AND status = 'COMPLETED'`, customer.UUID()))
	assert.Equal(t, 40, countRows(t, db, `SELECT count(*) FROM payments WHERE customer_id = ? AND status = 'FAILED'`, customer.UUID()))
	assert.Equal(t, "0.00", creditOf(t, db, customer))
	assert.Equal(t, "0.00", historyBalanceOf(t, db, customer), "the history adds up to the credit")
	assert.Equal(t, 10, countRows(t, db, `SELECT count(*) FROM credit_history WHERE customer_id = ? AND type = 'DEBIT'`, customer.UUID()))
	assert.Equal(t, 10, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE payment_status = 'COMPLETED'`))
	assert.Equal(t, 40, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE payment_status = 'FAILED'`))
	assert.Equal(t, 10, countRows(t, db, `SELECT version FROM credit_entry WHERE customer_id = ?`, customer.UUID()),
		"one update per completed payment, none lost")
}

func TestConcurrentDuplicateRequestPaysOnce(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	helper := newHelper(db)
	customer := addCustomer(t, db, "100.00")
	req := request(customer, "25.00", kernel.PaymentOrderStatusPending)

	errs := concurrently(20, func(int) error { return helper.PersistPayment(context.Background(), req) })

	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, "75.00", creditOf(t, db, customer))
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM payments WHERE order_id = ?`, req.OrderID.UUID()))
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE saga_id = ?`, req.SagaID.UUID()))
}

func TestDuplicateOfFailedRequestChangesNothing(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	helper := newHelper(db)
	customer := addCustomer(t, db, "100.00")
	req := request(customer, "600.00", kernel.PaymentOrderStatusPending)
	ctx := context.Background()

	require.NoError(t, helper.PersistPayment(ctx, req))
	require.NoError(t, helper.PersistPayment(ctx, req))

	assert.Equal(t, "100.00", creditOf(t, db, customer))
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM payments WHERE order_id = ? AND status = 'FAILED'`, req.OrderID.UUID()))
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE saga_id = ?`, req.SagaID.UUID()),
		"one answer (the original answered a failed request twice)")
}

func TestDuplicateAfterOutboxCleanupChangesNothing(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	helper := newHelper(db)
	customer := addCustomer(t, db, "100.00")
	ctx := context.Background()
	pay := request(customer, "40.00", kernel.PaymentOrderStatusPending)
	require.NoError(t, helper.PersistPayment(ctx, pay))
	cancel := pay
	cancel.ID, cancel.PaymentOrderStatus = kernel.NewID[kernel.MessageID](), kernel.PaymentOrderStatusCancelled
	require.NoError(t, helper.PersistCancelPayment(ctx, cancel))
	pgtest.Exec(t, db, `DELETE FROM order_outbox`) // as the cleaner does once published

	require.NoError(t, helper.PersistPayment(ctx, pay))
	require.NoError(t, helper.PersistCancelPayment(ctx, cancel))

	assert.Equal(t, "100.00", creditOf(t, db, customer))
	assert.Equal(t, "100.00", historyBalanceOf(t, db, customer))
	assert.Equal(t, 0, countRows(t, db, `SELECT count(*) FROM order_outbox`), "no second answer")
}

func TestConcurrentDuplicateCancelRefundsOnce(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	helper := newHelper(db)
	customer := addCustomer(t, db, "100.00")
	ctx := context.Background()
	pay := request(customer, "30.00", kernel.PaymentOrderStatusPending)
	require.NoError(t, helper.PersistPayment(ctx, pay))
	require.Equal(t, "70.00", creditOf(t, db, customer))
	cancel := pay
	cancel.ID, cancel.PaymentOrderStatus = kernel.NewID[kernel.MessageID](), kernel.PaymentOrderStatusCancelled

	errs := concurrently(10, func(int) error { return helper.PersistCancelPayment(ctx, cancel) })

	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, "100.00", creditOf(t, db, customer))
	assert.Equal(t, "100.00", historyBalanceOf(t, db, customer))
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM payments WHERE order_id = ? AND status = 'CANCELLED'`, pay.OrderID.UUID()))
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE saga_id = ? AND payment_status = 'CANCELLED'`, pay.SagaID.UUID()))
}

func TestCancelWithoutPaymentIsNotFound(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	err := newHelper(db).PersistCancelPayment(context.Background(), request(seededCustomer, "10.00", kernel.PaymentOrderStatusCancelled))
	assert.Equal(t, kernel.ECodeNotFound, kernel.ErrorCodeOf(err))
	assert.Equal(t, 0, countRows(t, db, `SELECT count(*) FROM order_outbox`))
}
