package application_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/saga"
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/application/mocks"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

var (
	now        = time.Date(2024, 5, 1, 12, 30, 0, 0, time.UTC)
	customerID = kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb41")
)

// money parses an amount the test knows to be valid.
func money(s string) kernel.Money { return kernel.MustParseMoney(s) }

// fixture holds the helper under test with every output port mocked.
type fixture struct {
	tx       *mocks.MockTransactor
	payments *mocks.MockPaymentRepository
	credits  *mocks.MockCreditEntryRepository
	history  *mocks.MockCreditHistoryRepository
	outbox   *mocks.MockOrderOutboxRepository
	helper   *application.PaymentRequestHelper
}

func newFixture(t *testing.T) *fixture {
	ctrl := gomock.NewController(t)
	f := &fixture{
		tx:       mocks.NewMockTransactor(ctrl),
		payments: mocks.NewMockPaymentRepository(ctrl),
		credits:  mocks.NewMockCreditEntryRepository(ctrl),
		history:  mocks.NewMockCreditHistoryRepository(ctrl),
		outbox:   mocks.NewMockOrderOutboxRepository(ctrl),
	}
	ds := domain.NewPaymentDomainService(func() time.Time { return now })
	f.helper = application.NewPaymentRequestHelper(ds, f.payments, f.credits, f.history,
		application.NewOrderOutboxHelper(f.outbox), f.tx, zap.NewNop())
	return f
}

// inTransaction expects one Transact call and runs its function, returning
// its error as a transaction adapter does after rolling back.
func (f *fixture) inTransaction() *gomock.Call {
	return f.tx.EXPECT().Transact(gomock.Any(), gomock.Any()).DoAndReturn(
		func(ctx context.Context, fn func(context.Context) error) error { return fn(ctx) })
}

func creditEntry(t *testing.T, total string) *domain.CreditEntry {
	t.Helper()
	c, err := domain.UnmarshalCreditEntryFromDatabase(kernel.NewID[kernel.CreditEntryID](), customerID, money(total))
	require.NoError(t, err)
	return c
}

func seededHistory(t *testing.T) []*domain.CreditHistory {
	t.Helper()
	var out []*domain.CreditHistory
	for _, e := range []struct {
		typ    domain.TransactionType
		amount string
	}{{domain.TransactionTypeCredit, "100.00"}, {domain.TransactionTypeCredit, "600.00"}, {domain.TransactionTypeDebit, "200.00"}} {
		h, err := domain.UnmarshalCreditHistoryFromDatabase(kernel.NewID[kernel.CreditHistoryID](), customerID, money(e.amount), e.typ, now.Add(-time.Hour))
		require.NoError(t, err)
		out = append(out, h)
	}
	return out
}

func pendingRequest(price string) application.PaymentRequest {
	return application.PaymentRequest{ID: kernel.NewID[kernel.MessageID](), SagaID: kernel.NewID[kernel.SagaID](), CustomerID: customerID, OrderID: kernel.NewID[kernel.OrderID](),
		Price: money(price), CreatedAt: now.Add(-time.Minute), PaymentOrderStatus: kernel.PaymentOrderStatusPending}
}

func cancelRequest(orderID kernel.OrderID) application.PaymentRequest {
	return application.PaymentRequest{ID: kernel.NewID[kernel.MessageID](), SagaID: kernel.NewID[kernel.SagaID](), CustomerID: customerID, OrderID: orderID,
		Price: money("200.00"), CreatedAt: now.Add(-time.Minute), PaymentOrderStatus: kernel.PaymentOrderStatusCancelled}
}

func storedPayment(t *testing.T, orderID kernel.OrderID, status kernel.PaymentStatus) *domain.Payment {
	t.Helper()
	p, err := domain.UnmarshalPaymentFromDatabase(kernel.NewID[kernel.PaymentID](), orderID, customerID, money("200.00"), status, now.Add(-time.Hour))
	require.NoError(t, err)
	return p
}

// noPayment is the payment lookup of an order that has none.
func (f *fixture) noPayment(orderID kernel.OrderID) *gomock.Call {
	return f.payments.EXPECT().FindByOrderIDForUpdate(gomock.Any(), orderID).Return(nil, fmt.Errorf("find: %w", application.ErrNotFound))
}

// captureAnswer expects one outbox row and stores it in msg.
func (f *fixture) captureAnswer(msg *application.OrderOutboxMessage) *gomock.Call {
	return f.outbox.EXPECT().Save(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, m application.OrderOutboxMessage) error {
		*msg = m
		return nil
	})
}

// capturePayment expects one payment saved and stores it in p.
func (f *fixture) capturePayment(p **domain.Payment) *gomock.Call {
	return f.payments.EXPECT().Save(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, saved *domain.Payment) error {
		*p = saved
		return nil
	})
}

func TestPersistPaymentCompletes(t *testing.T) {
	f := newFixture(t)
	req := pendingRequest("200.00")
	credit := creditEntry(t, "500.00")
	var saved *domain.Payment
	var debit *domain.CreditHistory
	var msg application.OrderOutboxMessage
	gomock.InOrder(
		f.inTransaction(),
		f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(credit, nil),
		f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusPending).Return(false, nil),
		f.noPayment(req.OrderID),
		f.history.EXPECT().FindByCustomerID(gomock.Any(), customerID).Return(seededHistory(t), nil),
		f.capturePayment(&saved),
		f.credits.EXPECT().Save(gomock.Any(), credit).Return(nil),
		f.history.EXPECT().Save(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, h *domain.CreditHistory) error {
			debit = h
			return nil
		}),
		f.captureAnswer(&msg),
	)

	require.NoError(t, f.helper.PersistPayment(context.Background(), req))

	require.NotNil(t, saved)
	assert.Equal(t, kernel.PaymentStatusCompleted, saved.Status())
	assert.Equal(t, req.OrderID, saved.OrderID())
	assert.Equal(t, "300.00", credit.TotalCreditAmount().String())
	assert.Equal(t, domain.TransactionTypeDebit, debit.TransactionType())
	assert.Equal(t, "200.00", debit.Amount().String())

	assert.False(t, msg.ID.IsZero())
	assert.Equal(t, req.SagaID, msg.SagaID)
	assert.Equal(t, saga.OrderSagaName, msg.Type)
	assert.Equal(t, outbox.StatusStarted, msg.OutboxStatus)
	assert.Equal(t, kernel.PaymentStatusCompleted, msg.PaymentStatus)
	assert.Equal(t, kernel.PaymentOrderStatusPending, msg.PaymentOrderStatus)
	assert.Equal(t, now, msg.CreatedAt)
	assert.Equal(t, application.OrderEventPayload{PaymentID: saved.ID(), CustomerID: customerID, OrderID: req.OrderID,
		Price: money("200.00"), CreatedAt: now, PaymentStatus: kernel.PaymentStatusCompleted, FailureMessages: []string{}}, msg.Payload)
}

func TestPersistPaymentInsufficientCredit(t *testing.T) {
	f := newFixture(t)
	req := pendingRequest("600.00")
	credit := creditEntry(t, "500.00")
	var saved *domain.Payment
	var msg application.OrderOutboxMessage
	gomock.InOrder(
		f.inTransaction(),
		f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(credit, nil),
		f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusPending).Return(false, nil),
		f.noPayment(req.OrderID),
		f.history.EXPECT().FindByCustomerID(gomock.Any(), customerID).Return(seededHistory(t), nil),
		f.capturePayment(&saved),
		// No credit entry or history is saved: gomock fails on the call.
		f.captureAnswer(&msg),
	)

	require.NoError(t, f.helper.PersistPayment(context.Background(), req))

	assert.Equal(t, kernel.PaymentStatusFailed, saved.Status())
	assert.Equal(t, "500.00", credit.TotalCreditAmount().String())
	assert.Equal(t, kernel.PaymentStatusFailed, msg.PaymentStatus)
	assert.Equal(t, kernel.PaymentStatusFailed, msg.Payload.PaymentStatus)
	assert.Equal(t, []string{
		"Customer with id=d215b5f8-0249-4dc5-89a3-51fd148cfb41 doesn't have enough credit for payment!",
		"Customer with id=d215b5f8-0249-4dc5-89a3-51fd148cfb41 doesn't have enough credit according to credit history!",
	}, msg.Payload.FailureMessages)
}

func TestPersistPaymentWithoutCreditEntryAnswersFailed(t *testing.T) {
	f := newFixture(t)
	req := pendingRequest("200.00")
	var saved *domain.Payment
	var msg application.OrderOutboxMessage
	gomock.InOrder(
		f.inTransaction(),
		f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(nil, fmt.Errorf("find: %w", application.ErrNotFound)),
		f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusPending).Return(false, nil),
		f.noPayment(req.OrderID),
		// No history is read and no credit moves: there is none.
		f.capturePayment(&saved),
		f.captureAnswer(&msg),
	)

	require.NoError(t, f.helper.PersistPayment(context.Background(), req))

	require.NotNil(t, saved, "the FAILED payment is saved, as for insufficient credit")
	assert.Equal(t, kernel.PaymentStatusFailed, saved.Status())
	assert.Equal(t, req.OrderID, saved.OrderID())
	assert.Equal(t, kernel.PaymentOrderStatusPending, msg.PaymentOrderStatus)
	assert.Equal(t, application.OrderEventPayload{PaymentID: saved.ID(), CustomerID: customerID, OrderID: req.OrderID,
		Price: money("200.00"), CreatedAt: now, PaymentStatus: kernel.PaymentStatusFailed,
		FailureMessages: []string{"Could not find credit entry for customer: d215b5f8-0249-4dc5-89a3-51fd148cfb41"}}, msg.Payload)
}

func TestPersistPaymentWithNonPositivePriceAnswersFailed(t *testing.T) {
	f := newFixture(t)
	req := pendingRequest("0")
	credit := creditEntry(t, "500.00")
	var saved *domain.Payment
	var msg application.OrderOutboxMessage
	gomock.InOrder(
		f.inTransaction(),
		f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(credit, nil),
		f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusPending).Return(false, nil),
		f.noPayment(req.OrderID),
		f.history.EXPECT().FindByCustomerID(gomock.Any(), customerID).Return(seededHistory(t), nil),
		f.capturePayment(&saved),
		f.captureAnswer(&msg),
	)

	require.NoError(t, f.helper.PersistPayment(context.Background(), req))

	assert.Equal(t, kernel.PaymentStatusFailed, saved.Status())
	assert.Equal(t, "500.00", credit.TotalCreditAmount().String())
	assert.Equal(t, kernel.PaymentStatusFailed, msg.PaymentStatus)
	assert.Equal(t, []string{"Total price must be greater than zero!"}, msg.Payload.FailureMessages)
}

func TestPersistPaymentWithoutCustomerAnswersFailed(t *testing.T) {
	for _, kind := range []kernel.PaymentOrderStatus{kernel.PaymentOrderStatusPending, kernel.PaymentOrderStatusCancelled} {
		t.Run(string(kind), func(t *testing.T) {
			f := newFixture(t)
			req := pendingRequest("200.00")
			req.PaymentOrderStatus = kind
			req.CustomerID = kernel.CustomerID{}
			var msg application.OrderOutboxMessage
			gomock.InOrder(
				f.inTransaction(),
				// No credit, payment or history is looked up or saved.
				f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kind).Return(false, nil),
				f.captureAnswer(&msg),
			)

			persist := f.helper.PersistPayment
			if kind == kernel.PaymentOrderStatusCancelled {
				persist = f.helper.PersistCancelPayment
			}
			require.NoError(t, persist(context.Background(), req))

			assert.Equal(t, req.SagaID, msg.SagaID)
			assert.Equal(t, kind, msg.PaymentOrderStatus)
			assert.Equal(t, kernel.PaymentStatusFailed, msg.PaymentStatus)
			assert.Equal(t, application.OrderEventPayload{OrderID: req.OrderID, Price: money("200.00"), CreatedAt: now,
				PaymentStatus:   kernel.PaymentStatusFailed,
				FailureMessages: []string{fmt.Sprintf("Payment request for order: %s names no customer!", req.OrderID)}}, msg.Payload)
		})
	}
	t.Run("duplicate", func(t *testing.T) {
		f := newFixture(t)
		req := pendingRequest("200.00")
		req.CustomerID = kernel.CustomerID{}
		gomock.InOrder(
			f.inTransaction(),
			f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusPending).Return(true, nil),
		)
		assert.NoError(t, f.helper.PersistPayment(context.Background(), req))
	})
}

func TestPersistPaymentAfterCancellationIsRefused(t *testing.T) {
	f := newFixture(t)
	req := pendingRequest("200.00")
	cancelled := storedPayment(t, req.OrderID, kernel.PaymentStatusCancelled)
	credit := creditEntry(t, "500.00")
	gomock.InOrder(
		f.inTransaction(),
		f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(credit, nil),
		f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusPending).Return(false, nil),
		f.payments.EXPECT().FindByOrderIDForUpdate(gomock.Any(), req.OrderID).Return(cancelled, nil),
		// No history, no payment, no credit movement and no answer: the
		// strict mocks fail the test on any of them.
	)

	require.NoError(t, f.helper.PersistPayment(context.Background(), req))

	assert.Equal(t, "500.00", credit.TotalCreditAmount().String())
	assert.Equal(t, kernel.PaymentStatusCancelled, cancelled.Status())
}

func TestPersistPaymentDuplicates(t *testing.T) {
	t.Run("saga already answered", func(t *testing.T) {
		f := newFixture(t)
		req := pendingRequest("200.00")
		gomock.InOrder(
			f.inTransaction(),
			f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(creditEntry(t, "500.00"), nil),
			f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusPending).Return(true, nil),
		)
		assert.NoError(t, f.helper.PersistPayment(context.Background(), req))
	})
	for _, status := range []kernel.PaymentStatus{kernel.PaymentStatusCompleted, kernel.PaymentStatusFailed} {
		t.Run("payment "+string(status)+", answer cleaned", func(t *testing.T) {
			f := newFixture(t)
			req := pendingRequest("200.00")
			gomock.InOrder(
				f.inTransaction(),
				f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(creditEntry(t, "500.00"), nil),
				f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusPending).Return(false, nil),
				f.payments.EXPECT().FindByOrderIDForUpdate(gomock.Any(), req.OrderID).Return(storedPayment(t, req.OrderID, status), nil),
			)
			assert.NoError(t, f.helper.PersistPayment(context.Background(), req))
		})
	}
	t.Run("payment refused by the unique order index", func(t *testing.T) {
		f := newFixture(t)
		req := pendingRequest("200.00")
		gomock.InOrder(
			f.inTransaction(),
			f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(creditEntry(t, "500.00"), nil),
			f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusPending).Return(false, nil),
			f.noPayment(req.OrderID),
			f.history.EXPECT().FindByCustomerID(gomock.Any(), customerID).Return(seededHistory(t), nil),
			f.payments.EXPECT().Save(gomock.Any(), gomock.Any()).Return(fmt.Errorf("insert payment: %w", application.ErrDuplicate)),
		)
		assert.NoError(t, f.helper.PersistPayment(context.Background(), req))
	})
	t.Run("answer refused by the unique saga index", func(t *testing.T) {
		f := newFixture(t)
		req := pendingRequest("200.00")
		gomock.InOrder(
			f.inTransaction(),
			f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(creditEntry(t, "500.00"), nil),
			f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusPending).Return(false, nil),
			f.noPayment(req.OrderID),
			f.history.EXPECT().FindByCustomerID(gomock.Any(), customerID).Return(seededHistory(t), nil),
			f.payments.EXPECT().Save(gomock.Any(), gomock.Any()).Return(nil),
			f.credits.EXPECT().Save(gomock.Any(), gomock.Any()).Return(nil),
			f.history.EXPECT().Save(gomock.Any(), gomock.Any()).Return(nil),
			f.outbox.EXPECT().Save(gomock.Any(), gomock.Any()).Return(fmt.Errorf("insert: %w", application.ErrDuplicate)),
		)
		assert.NoError(t, f.helper.PersistPayment(context.Background(), req))
	})
}

func TestPersistPaymentErrors(t *testing.T) {
	t.Run("database failure is returned for a retry", func(t *testing.T) {
		f := newFixture(t)
		req := pendingRequest("200.00")
		down := kernel.Errorf(kernel.ECodeUnavailable, "database unavailable")
		gomock.InOrder(
			f.inTransaction(),
			f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(creditEntry(t, "500.00"), nil),
			f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusPending).Return(false, nil),
			f.noPayment(req.OrderID),
			f.history.EXPECT().FindByCustomerID(gomock.Any(), customerID).Return(nil, down),
		)
		err := f.helper.PersistPayment(context.Background(), req)
		assert.True(t, errors.Is(err, down))
		assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(err))
	})
	for _, tt := range []struct {
		name   string
		mutate func(*application.PaymentRequest)
	}{
		{name: "request without order cannot be answered", mutate: func(r *application.PaymentRequest) { r.OrderID = kernel.OrderID{} }},
		{name: "request without saga cannot be answered", mutate: func(r *application.PaymentRequest) { r.SagaID = kernel.SagaID{} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t) // no expectations: any port call fails the test
			for _, persist := range []func(context.Context, application.PaymentRequest) error{f.helper.PersistPayment, f.helper.PersistCancelPayment} {
				req := pendingRequest("200.00")
				tt.mutate(&req)
				err := persist(context.Background(), req)
				assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err), "parked, not answered: %v", err)
			}
		})
	}
}

func TestPersistCancelPaymentRefunds(t *testing.T) {
	f := newFixture(t)
	orderID := kernel.NewID[kernel.OrderID]()
	req := cancelRequest(orderID)
	payment := storedPayment(t, orderID, kernel.PaymentStatusCompleted)
	credit := creditEntry(t, "300.00")
	var refund *domain.CreditHistory
	var msg application.OrderOutboxMessage
	gomock.InOrder(
		f.inTransaction(),
		f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(credit, nil),
		f.payments.EXPECT().FindByOrderIDForUpdate(gomock.Any(), orderID).Return(payment, nil),
		f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusCancelled).Return(false, nil),
		f.payments.EXPECT().Save(gomock.Any(), payment).Return(nil),
		f.credits.EXPECT().Save(gomock.Any(), credit).Return(nil),
		f.history.EXPECT().Save(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, h *domain.CreditHistory) error {
			refund = h
			return nil
		}),
		f.captureAnswer(&msg),
	)

	require.NoError(t, f.helper.PersistCancelPayment(context.Background(), req))

	assert.Equal(t, kernel.PaymentStatusCancelled, payment.Status())
	assert.Equal(t, "500.00", credit.TotalCreditAmount().String())
	assert.Equal(t, domain.TransactionTypeCredit, refund.TransactionType())
	assert.Equal(t, "200.00", refund.Amount().String())
	assert.Equal(t, kernel.PaymentStatusCancelled, msg.PaymentStatus)
	assert.Equal(t, kernel.PaymentOrderStatusCancelled, msg.PaymentOrderStatus)
	assert.Equal(t, payment.ID(), msg.Payload.PaymentID)
	assert.Equal(t, orderID, msg.Payload.OrderID)
	assert.Empty(t, msg.Payload.FailureMessages)
}

func TestPersistCancelPaymentRefundsTheCustomerWhoPaid(t *testing.T) {
	f := newFixture(t)
	orderID := kernel.NewID[kernel.OrderID]()
	req := cancelRequest(orderID)
	req.CustomerID = kernel.NewID[kernel.CustomerID]() // contradicts the stored payment
	payment := storedPayment(t, orderID, kernel.PaymentStatusCompleted)
	payer := creditEntry(t, "300.00")
	var msg application.OrderOutboxMessage
	gomock.InOrder(
		f.inTransaction(),
		f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), req.CustomerID).Return(nil, fmt.Errorf("find: %w", application.ErrNotFound)),
		f.payments.EXPECT().FindByOrderIDForUpdate(gomock.Any(), orderID).Return(payment, nil),
		f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusCancelled).Return(false, nil),
		f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(payer, nil),
		f.payments.EXPECT().Save(gomock.Any(), payment).Return(nil),
		f.credits.EXPECT().Save(gomock.Any(), payer).Return(nil),
		f.history.EXPECT().Save(gomock.Any(), gomock.Any()).Return(nil),
		f.captureAnswer(&msg),
	)

	require.NoError(t, f.helper.PersistCancelPayment(context.Background(), req))

	assert.Equal(t, "500.00", payer.TotalCreditAmount().String())
	assert.Equal(t, kernel.PaymentStatusCancelled, msg.PaymentStatus)
}

func TestPersistCancelPaymentOfFailedPaymentAnswersCancelled(t *testing.T) {
	f := newFixture(t)
	orderID := kernel.NewID[kernel.OrderID]()
	req := cancelRequest(orderID)
	payment := storedPayment(t, orderID, kernel.PaymentStatusFailed)
	credit := creditEntry(t, "300.00")
	var msg application.OrderOutboxMessage
	gomock.InOrder(
		f.inTransaction(),
		f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(credit, nil),
		f.payments.EXPECT().FindByOrderIDForUpdate(gomock.Any(), orderID).Return(payment, nil),
		f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusCancelled).Return(false, nil),
		// The payment becomes CANCELLED, so that a duplicate finds it so;
		// no credit entry or history is saved.
		f.payments.EXPECT().Save(gomock.Any(), payment).Return(nil),
		f.captureAnswer(&msg),
	)

	require.NoError(t, f.helper.PersistCancelPayment(context.Background(), req))

	assert.Equal(t, "300.00", credit.TotalCreditAmount().String())
	assert.Equal(t, kernel.PaymentStatusCancelled, payment.Status())
	assert.Equal(t, kernel.PaymentStatusCancelled, msg.PaymentStatus)
	assert.Equal(t, kernel.PaymentOrderStatusCancelled, msg.PaymentOrderStatus)
	assert.Equal(t, payment.ID(), msg.Payload.PaymentID)
	assert.Empty(t, msg.Payload.FailureMessages)
}

func TestPersistCancelPaymentBeforePaymentRecordsTheCancellation(t *testing.T) {
	f := newFixture(t)
	orderID := kernel.NewID[kernel.OrderID]()
	req := cancelRequest(orderID)
	credit := creditEntry(t, "300.00")
	var saved *domain.Payment
	var msg application.OrderOutboxMessage
	gomock.InOrder(
		f.inTransaction(),
		f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(credit, nil),
		f.noPayment(orderID),
		f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusCancelled).Return(false, nil),
		// No credit entry or history is saved: nothing was taken.
		f.capturePayment(&saved),
		f.captureAnswer(&msg),
	)

	require.NoError(t, f.helper.PersistCancelPayment(context.Background(), req))

	require.NotNil(t, saved)
	assert.Equal(t, kernel.PaymentStatusCancelled, saved.Status())
	assert.Equal(t, orderID, saved.OrderID())
	assert.Equal(t, customerID, saved.CustomerID())
	assert.Equal(t, "200.00", saved.Price().String(), "the request's price")
	assert.Equal(t, "300.00", credit.TotalCreditAmount().String())
	assert.Equal(t, req.SagaID, msg.SagaID)
	assert.Equal(t, kernel.PaymentOrderStatusCancelled, msg.PaymentOrderStatus)
	assert.Equal(t, application.OrderEventPayload{PaymentID: saved.ID(), CustomerID: customerID, OrderID: orderID,
		Price: money("200.00"), CreatedAt: now, PaymentStatus: kernel.PaymentStatusCancelled, FailureMessages: []string{}}, msg.Payload)
}

func TestPersistCancelPaymentBeforePaymentRacingThePaymentIsRetried(t *testing.T) {
	f := newFixture(t)
	orderID := kernel.NewID[kernel.OrderID]()
	req := cancelRequest(orderID)
	gomock.InOrder(
		f.inTransaction(),
		f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(nil, fmt.Errorf("find: %w", application.ErrNotFound)),
		f.noPayment(orderID),
		f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusCancelled).Return(false, nil),
		f.payments.EXPECT().Save(gomock.Any(), gomock.Any()).Return(fmt.Errorf("insert payment: %w", application.ErrDuplicate)),
	)

	err := f.helper.PersistCancelPayment(context.Background(), req)

	require.Error(t, err, "the payment that won the race still has to be cancelled")
	assert.False(t, errors.Is(err, application.ErrDuplicate), "not mistaken for an answered duplicate")
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(err), "a race, retried")
}

func TestPersistCancelPaymentWithoutCreditEntryOfCompletedPaymentAnswersFailed(t *testing.T) {
	f := newFixture(t)
	orderID := kernel.NewID[kernel.OrderID]()
	req := cancelRequest(orderID)
	payment := storedPayment(t, orderID, kernel.PaymentStatusCompleted)
	var msg application.OrderOutboxMessage
	gomock.InOrder(
		f.inTransaction(),
		f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(nil, fmt.Errorf("find: %w", application.ErrNotFound)),
		f.payments.EXPECT().FindByOrderIDForUpdate(gomock.Any(), orderID).Return(payment, nil),
		f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusCancelled).Return(false, nil),
		f.captureAnswer(&msg),
	)

	require.NoError(t, f.helper.PersistCancelPayment(context.Background(), req))

	assert.Equal(t, kernel.PaymentStatusCompleted, payment.Status(), "not saved: nothing changed")
	assert.Equal(t, kernel.PaymentStatusFailed, msg.PaymentStatus)
	assert.Equal(t, []string{"Could not find credit entry for customer: d215b5f8-0249-4dc5-89a3-51fd148cfb41"}, msg.Payload.FailureMessages)
}

func TestPersistCancelPaymentDuplicates(t *testing.T) {
	t.Run("saga already answered", func(t *testing.T) {
		f := newFixture(t)
		orderID := kernel.NewID[kernel.OrderID]()
		req := cancelRequest(orderID)
		gomock.InOrder(
			f.inTransaction(),
			f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(creditEntry(t, "500.00"), nil),
			f.payments.EXPECT().FindByOrderIDForUpdate(gomock.Any(), orderID).Return(storedPayment(t, orderID, kernel.PaymentStatusCancelled), nil),
			f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusCancelled).Return(true, nil),
		)
		assert.NoError(t, f.helper.PersistCancelPayment(context.Background(), req))
	})
	t.Run("payment already cancelled, answer cleaned", func(t *testing.T) {
		f := newFixture(t)
		orderID := kernel.NewID[kernel.OrderID]()
		req := cancelRequest(orderID)
		gomock.InOrder(
			f.inTransaction(),
			f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(creditEntry(t, "500.00"), nil),
			f.payments.EXPECT().FindByOrderIDForUpdate(gomock.Any(), orderID).Return(storedPayment(t, orderID, kernel.PaymentStatusCancelled), nil),
			f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusCancelled).Return(false, nil),
		)
		assert.NoError(t, f.helper.PersistCancelPayment(context.Background(), req))
	})
	t.Run("answer refused by the unique saga index", func(t *testing.T) {
		f := newFixture(t)
		orderID := kernel.NewID[kernel.OrderID]()
		req := cancelRequest(orderID)
		gomock.InOrder(
			f.inTransaction(),
			f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customerID).Return(creditEntry(t, "300.00"), nil),
			f.payments.EXPECT().FindByOrderIDForUpdate(gomock.Any(), orderID).Return(storedPayment(t, orderID, kernel.PaymentStatusCompleted), nil),
			f.outbox.EXPECT().ExistsBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, kernel.PaymentOrderStatusCancelled).Return(false, nil),
			f.payments.EXPECT().Save(gomock.Any(), gomock.Any()).Return(nil),
			f.credits.EXPECT().Save(gomock.Any(), gomock.Any()).Return(nil),
			f.history.EXPECT().Save(gomock.Any(), gomock.Any()).Return(nil),
			f.outbox.EXPECT().Save(gomock.Any(), gomock.Any()).Return(fmt.Errorf("insert: %w", application.ErrDuplicate)),
		)
		assert.NoError(t, f.helper.PersistCancelPayment(context.Background(), req))
	})
}
