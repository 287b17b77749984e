package dataaccess_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/dataaccess"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

// These tests run the real PaymentRequestHelper on the real repositories, to
// prove what only the database can: the row lock and the unique indexes.

func newHelper(db *gorm.DB) *application.PaymentRequestHelper {
	return application.NewPaymentRequestHelper(postgres.NewTransactor(db),
		dataaccess.NewPaymentRepository(db), dataaccess.NewCreditEntryRepository(db), dataaccess.NewCreditHistoryRepository(db),
		domain.NewPaymentDomainService(time.Now), application.NewOrderOutboxHelper(dataaccess.NewOrderOutboxRepository(db, nil)), zap.NewNop())
}

func request(customer kernel.CustomerID, price string, kind kernel.PaymentOrderStatus) application.PaymentRequest {
	return application.PaymentRequest{ID: kernel.NewID[kernel.MessageID](), SagaID: kernel.NewID[kernel.SagaID](), CustomerID: customer, OrderID: kernel.NewID[kernel.OrderID](),
		Price: kerneltest.Money(price), CreatedAt: time.Now(), PaymentOrderStatus: kind}
}

// cancelOf is the refund request of the same saga and order as pay.
func cancelOf(pay application.PaymentRequest) application.PaymentRequest {
	cancel := pay
	cancel.ID, cancel.PaymentOrderStatus = kernel.NewID[kernel.MessageID](), kernel.PaymentOrderStatusCancelled
	return cancel
}

// concurrently runs fn n times at once and requires every run to succeed.
func concurrently(t *testing.T, n int, fn func(i int) error) {
	t.Helper()
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
	for i, err := range errs {
		require.NoError(t, err, "run %d", i)
	}
}

// pendingRequests returns n payment requests of customer, each for an order
// of its own.
func pendingRequests(customer kernel.CustomerID, price string, n int) []application.PaymentRequest {
	out := make([]application.PaymentRequest, n)
	for i := range out {
		out[i] = request(customer, price, kernel.PaymentOrderStatusPending)
	}
	return out
}

func TestConcurrentPaymentsNeverOverdraw(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	helper := newHelper(db)
	customer := addCustomer(t, db, "100.00")

	concurrently(t, 50, func(int) error {
		return helper.CompletePayment(context.Background(), request(customer, "10.00", kernel.PaymentOrderStatusPending))
	})

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

	concurrently(t, 20, func(int) error { return helper.CompletePayment(context.Background(), req) })

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

	require.NoError(t, helper.CompletePayment(ctx, req))
	require.NoError(t, helper.CompletePayment(ctx, req))

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
	require.NoError(t, helper.CompletePayment(ctx, pay))
	cancel := cancelOf(pay)
	require.NoError(t, helper.CancelPayment(ctx, cancel))
	pgtest.Exec(t, db, `DELETE FROM order_outbox`) // as the cleaner does once published

	require.NoError(t, helper.CompletePayment(ctx, pay))
	require.NoError(t, helper.CancelPayment(ctx, cancel))

	assert.Equal(t, "100.00", creditOf(t, db, customer))
	assert.Equal(t, "100.00", historyBalanceOf(t, db, customer))
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE payment_order_status = 'CANCELLED' AND payment_status = 'CANCELLED'`),
		"the refund, asked again, is answered again from the payment; the late payment request is refused")
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM order_outbox`))
}

func TestConcurrentDuplicateCancelRefundsOnce(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	helper := newHelper(db)
	customer := addCustomer(t, db, "100.00")
	ctx := context.Background()
	pay := request(customer, "30.00", kernel.PaymentOrderStatusPending)
	require.NoError(t, helper.CompletePayment(ctx, pay))
	require.Equal(t, "70.00", creditOf(t, db, customer))
	cancel := cancelOf(pay)

	concurrently(t, 10, func(int) error { return helper.CancelPayment(ctx, cancel) })

	assert.Equal(t, "100.00", creditOf(t, db, customer))
	assert.Equal(t, "100.00", historyBalanceOf(t, db, customer))
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM payments WHERE order_id = ? AND status = 'CANCELLED'`, pay.OrderID.UUID()))
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE saga_id = ? AND payment_status = 'CANCELLED'`, pay.SagaID.UUID()))
}

// answerOf reads the status and failure messages of the saga's answer to
// the request kind; "" when there is none.
func answerOf(t *testing.T, db *gorm.DB, req application.PaymentRequest) (string, []string) {
	t.Helper()
	var row struct {
		PaymentStatus string
		Payload       []byte
	}
	err := db.Raw(`SELECT payment_status, payload FROM order_outbox WHERE saga_id = ? AND payment_order_status = ?`,
		req.SagaID.UUID(), string(req.PaymentOrderStatus)).Scan(&row).Error
	require.NoError(t, err)
	if row.PaymentStatus == "" {
		return "", nil
	}
	var payload application.OrderEventPayload
	require.NoError(t, json.Unmarshal(row.Payload, &payload))
	return row.PaymentStatus, payload.FailureMessages
}

func TestPaymentWithoutCreditEntryIsAnsweredFailed(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	helper := newHelper(db)
	ctx := context.Background()
	unknown := kernel.NewID[kernel.CustomerID]()
	req := request(unknown, "10.00", kernel.PaymentOrderStatusPending)

	require.NoError(t, helper.CompletePayment(ctx, req))
	require.NoError(t, helper.CompletePayment(ctx, req), "a duplicate changes nothing")
	pgtest.Exec(t, db, `DELETE FROM order_outbox WHERE saga_id <> ?`, req.SagaID.UUID())

	status, failures := answerOf(t, db, req)
	assert.Equal(t, "FAILED", status)
	assert.Equal(t, []string{"Could not find credit entry for customer: " + unknown.String()}, failures)
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM payments WHERE order_id = ? AND customer_id = ? AND status = 'FAILED'`,
		req.OrderID.UUID(), unknown.UUID()))
	assert.Equal(t, 0, countRows(t, db, `SELECT count(*) FROM credit_history WHERE customer_id = ?`, unknown.UUID()))
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM order_outbox`), "one answer")

	// After the cleaner removed the answer, the FAILED payment keeps a
	// duplicate from being decided again: it is answered FAILED again from
	// the record, and nothing moves.
	pgtest.Exec(t, db, `DELETE FROM order_outbox`)
	require.NoError(t, helper.CompletePayment(ctx, req))
	status, _ = answerOf(t, db, req)
	assert.Equal(t, "FAILED", status, "answered again from the record")
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM payments WHERE order_id = ?`, req.OrderID.UUID()))
}

func TestRefundBeforePaymentRefusesTheLatePayment(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	helper := newHelper(db)
	ctx := context.Background()
	customer := addCustomer(t, db, "100.00")
	pay := request(customer, "40.00", kernel.PaymentOrderStatusPending)
	cancel := cancelOf(pay)

	require.NoError(t, helper.CancelPayment(ctx, cancel))

	status, failures := answerOf(t, db, cancel)
	assert.Equal(t, "CANCELLED", status)
	assert.Empty(t, failures)
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM payments WHERE order_id = ? AND customer_id = ? AND price = 40.00
		AND status = 'CANCELLED'`, pay.OrderID.UUID(), customer.UUID()), "the cancellation is recorded")
	assert.Equal(t, "100.00", creditOf(t, db, customer))
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM credit_history WHERE customer_id = ?`, customer.UUID()), "no history entry")

	require.NoError(t, helper.CompletePayment(ctx, pay), "the late request")
	require.NoError(t, helper.CancelPayment(ctx, cancel), "a duplicate refund")
	pgtest.Exec(t, db, `DELETE FROM order_outbox`) // as the cleaner does once published
	require.NoError(t, helper.CompletePayment(ctx, pay), "the late request re-sent after the cleaner")
	require.NoError(t, helper.CancelPayment(ctx, cancel), "a duplicate refund after the cleaner")

	assert.Equal(t, "100.00", creditOf(t, db, customer), "nothing charged")
	assert.Equal(t, "100.00", historyBalanceOf(t, db, customer))
	assert.Equal(t, 0, countRows(t, db, `SELECT count(*) FROM credit_history WHERE customer_id = ? AND type = 'DEBIT'`, customer.UUID()))
	assert.Equal(t, 0, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE payment_order_status = 'PENDING'`), "the late request is not answered")
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE payment_order_status = 'CANCELLED' AND payment_status = 'CANCELLED'`),
		"the duplicate refund is answered again from the payment")
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM payments WHERE order_id = ? AND status = 'CANCELLED'`, pay.OrderID.UUID()))
}

func TestRefundOfFailedPaymentIsAnsweredCancelled(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	helper := newHelper(db)
	ctx := context.Background()
	customer := addCustomer(t, db, "100.00")
	pay := request(customer, "600.00", kernel.PaymentOrderStatusPending)
	require.NoError(t, helper.CompletePayment(ctx, pay))
	require.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM payments WHERE order_id = ? AND status = 'FAILED'`, pay.OrderID.UUID()))
	cancel := cancelOf(pay)

	require.NoError(t, helper.CancelPayment(ctx, cancel))
	pgtest.Exec(t, db, `DELETE FROM order_outbox WHERE payment_order_status = 'PENDING'`)

	status, failures := answerOf(t, db, cancel)
	assert.Equal(t, "CANCELLED", status)
	assert.Empty(t, failures)
	assert.Equal(t, "100.00", creditOf(t, db, customer), "nothing was taken, nothing is given")
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM credit_history WHERE customer_id = ?`, customer.UUID()), "no history entry")
	assert.Equal(t, 1, countRows(t, db, `SELECT count(*) FROM payments WHERE order_id = ? AND status = 'CANCELLED'`, pay.OrderID.UUID()))

	pgtest.Exec(t, db, `DELETE FROM order_outbox`)
	require.NoError(t, helper.CancelPayment(ctx, cancel), "a duplicate refund after the cleaner")
	status, _ = answerOf(t, db, cancel)
	assert.Equal(t, "CANCELLED", status, "answered again from the record")
	assert.Equal(t, "100.00", creditOf(t, db, customer), "and nothing given twice")
	assert.Equal(t, "100.00", creditOf(t, db, customer))
}

func TestConcurrentPaymentAndRefundOfAnOrderNeverCharge(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	helper := newHelper(db)
	ctx := context.Background()
	customer := addCustomer(t, db, "100.00")
	const orders = 20
	pays := pendingRequests(customer, "5.00", orders)

	// Each order's payment request and its refund race; whichever wins, the
	// customer ends up with the credit they started with.
	concurrently(t, 2*orders, func(i int) error {
		if i%2 == 0 {
			return helper.CompletePayment(ctx, pays[i/2])
		}
		return helper.CancelPayment(ctx, cancelOf(pays[i/2]))
	})

	assert.Equal(t, "100.00", creditOf(t, db, customer))
	assert.Equal(t, "100.00", historyBalanceOf(t, db, customer), "every debit has its credit")
	assert.Equal(t, orders, countRows(t, db, `SELECT count(*) FROM payments WHERE customer_id = ? AND status = 'CANCELLED'`, customer.UUID()))
	assert.Equal(t, orders, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE payment_order_status = 'CANCELLED'
		AND payment_status = 'CANCELLED'`), "every refund answered CANCELLED")
	debits := countRows(t, db, `SELECT count(*) FROM credit_history WHERE customer_id = ? AND type = 'DEBIT'`, customer.UUID())
	assert.Equal(t, debits, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE payment_order_status = 'PENDING'`),
		"a payment request is answered only when it charged first")
}

func TestConcurrentPaymentAndRefundWithoutCreditEntryEndCancelled(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	helper := newHelper(db)
	ctx := context.Background()
	unknown := kernel.NewID[kernel.CustomerID]()
	const orders = 20
	pays := pendingRequests(unknown, "5.00", orders)

	// Without a credit entry there is no lock to queue on: a refund that
	// loses the race on the order's unique index is a conflict, and the
	// consumer runs it again, as here.
	concurrently(t, 2*orders, func(i int) error {
		if i%2 == 0 {
			return helper.CompletePayment(ctx, pays[i/2])
		}
		for {
			err := helper.CancelPayment(ctx, cancelOf(pays[i/2]))
			if kernel.ErrorCodeOf(err) != kernel.ECodeConflict {
				return err
			}
		}
	})

	assert.Equal(t, orders, countRows(t, db, `SELECT count(*) FROM payments WHERE customer_id = ? AND status = 'CANCELLED'`, unknown.UUID()))
	assert.Equal(t, orders, countRows(t, db, `SELECT count(*) FROM order_outbox WHERE payment_order_status = 'CANCELLED'
		AND payment_status = 'CANCELLED'`), "every refund answered CANCELLED, none lost to the race")
	assert.Equal(t, 0, countRows(t, db, `SELECT count(*) FROM credit_history WHERE customer_id = ?`, unknown.UUID()))
}
