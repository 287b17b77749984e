package application_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/application/mocks"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

var (
	now        = time.Date(2024, 5, 1, 12, 30, 0, 0, time.UTC)
	customerID = kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb41")
)

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
	f.helper = application.NewPaymentRequestHelper(f.tx, f.payments, f.credits, f.history, ds,
		application.NewOrderOutboxHelper(f.outbox), zap.NewNop())
	return f
}

func creditEntry(t *testing.T, total string) *domain.CreditEntry {
	t.Helper()
	c, err := domain.UnmarshalCreditEntryFromDatabase(kernel.NewID[kernel.CreditEntryID](), customerID, kerneltest.Money(total))
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
		h, err := domain.UnmarshalCreditHistoryFromDatabase(kernel.NewID[kernel.CreditHistoryID](), customerID, kernel.OrderID{}, kerneltest.Money(e.amount), e.typ, now.Add(-time.Hour))
		require.NoError(t, err)
		out = append(out, h)
	}
	return out
}

func pendingRequest(price string) application.PaymentRequest {
	return application.PaymentRequest{ID: kernel.NewID[kernel.MessageID](), SagaID: kernel.NewID[kernel.SagaID](), CustomerID: customerID, OrderID: kernel.NewID[kernel.OrderID](),
		Price: kerneltest.Money(price), CreatedAt: now.Add(-time.Minute), PaymentOrderStatus: kernel.PaymentOrderStatusPending}
}

func cancelRequest(orderID kernel.OrderID) application.PaymentRequest {
	return application.PaymentRequest{ID: kernel.NewID[kernel.MessageID](), SagaID: kernel.NewID[kernel.SagaID](), CustomerID: customerID, OrderID: orderID,
		Price: kerneltest.Money("200.00"), CreatedAt: now.Add(-time.Minute), PaymentOrderStatus: kernel.PaymentOrderStatusCancelled}
}

func storedPayment(t *testing.T, orderID kernel.OrderID, status kernel.PaymentStatus) *domain.Payment {
	t.Helper()
	p, err := domain.UnmarshalPaymentFromDatabase(kernel.NewID[kernel.PaymentID](), orderID, customerID, kerneltest.Money("200.00"), status, now.Add(-time.Hour))
	require.NoError(t, err)
	return p
}

// inTransaction expects one Transact call and runs its function, returning
// its error as a transaction adapter does after rolling back.
func (f *fixture) inTransaction() *gomock.Call {
	return f.tx.EXPECT().Transact(gomock.Any(), gomock.Any()).DoAndReturn(
		func(ctx context.Context, fn func(context.Context) error) error { return fn(ctx) })
}

// lockCredit expects the customer's credit entry locked; a nil credit is a
// customer without one.
func (f *fixture) lockCredit(customer kernel.CustomerID, credit *domain.CreditEntry) *gomock.Call {
	call := f.credits.EXPECT().FindByCustomerIDForUpdate(gomock.Any(), customer)
	if credit == nil {
		return call.Return(nil, fmt.Errorf("find: %w", kernel.ErrNotFound))
	}
	return call.Return(credit, nil)
}

// findPayment expects the order's payment locked; a nil payment is an order
// without one.
func (f *fixture) findPayment(orderID kernel.OrderID, payment *domain.Payment) *gomock.Call {
	call := f.payments.EXPECT().FindByOrderIDForUpdate(gomock.Any(), orderID)
	if payment == nil {
		return call.Return(nil, fmt.Errorf("find: %w", kernel.ErrNotFound))
	}
	return call.Return(payment, nil)
}

// answered expects the lookup of the saga's answer to the request.
func (f *fixture) answered(req application.PaymentRequest, found bool) *gomock.Call {
	return f.outbox.EXPECT().ResendBySagaIDAndPaymentOrderStatus(gomock.Any(), req.SagaID, req.PaymentOrderStatus).Return(found, nil)
}

// readHistory expects the seeded history added up.
func (f *fixture) readHistory(t *testing.T) *gomock.Call {
	return f.history.EXPECT().TotalsByCustomerID(gomock.Any(), customerID).Return(domain.TotalsOf(seededHistory(t)), nil)
}

// readsBeforePayment expects, in CompletePayment's order, the transaction and
// the reads before the history: the credit entry, the order's payment and,
// when there is one, no answer yet.
func (f *fixture) readsBeforePayment(req application.PaymentRequest, credit *domain.CreditEntry, payment *domain.Payment) []*gomock.Call {
	calls := []*gomock.Call{f.inTransaction(), f.lockCredit(req.CustomerID, credit), f.findPayment(req.OrderID, payment)}
	if payment != nil {
		calls = append(calls, f.answered(req, false))
	}
	return calls
}

// readsBeforeCancel expects, in CancelPayment's order, the transaction
// and the reads before the decision: the credit entry, the order's payment,
// no answer yet.
func (f *fixture) readsBeforeCancel(req application.PaymentRequest, credit *domain.CreditEntry, payment *domain.Payment) []*gomock.Call {
	return []*gomock.Call{f.inTransaction(), f.lockCredit(req.CustomerID, credit), f.findPayment(req.OrderID, payment), f.answered(req, false)}
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

// captureMovement expects one history entry saved and stores it in h.
func (f *fixture) captureMovement(h **domain.CreditHistory) *gomock.Call {
	return f.history.EXPECT().Save(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, saved *domain.CreditHistory) error {
		*h = saved
		return nil
	})
}
