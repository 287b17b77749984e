package application_test

import (
	"context"
	"testing"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/application"
)

// expectOverdue makes the two look-ups of one check return the given rows.
// The deadlines are handed to the repositories as durations: whether a
// request is overdue is measured in the database, against the clock that
// marked it published, never against the scheduler's.
func (f *fixture) expectOverdue(payments []*application.PaymentOutboxMessage, approvals []*application.OrderApprovalOutboxMessage) {
	f.payments.EXPECT().FindOverdue(gomock.Any(), deadlineConfig.ReplyTimeout, deadlineConfig.MaxResendInterval, deadlineConfig.BatchSize).
		Return(payments, nil)
	f.approvals.EXPECT().FindOverdue(gomock.Any(), deadlineConfig.ReplyTimeout, deadlineConfig.BatchSize).Return(approvals, nil)
}

func TestOverdueRequestsAreSentAgainWhileResendsRemain(t *testing.T) {
	f := newFixture(t)
	order := storedOrder(kernel.OrderStatusPending)
	pay := paymentRow(kernel.NewID[kernel.SagaID](), order.ID(), kernel.PaymentOrderStatusPending, kernel.OrderStatusPending, saga.StatusStarted)
	appr := approvalRow(kernel.NewID[kernel.SagaID](), order.ID(), kernel.OrderStatusPaid, saga.StatusProcessing)
	appr.Resends = deadlineConfig.MaxResends - 1
	f.expectOverdue([]*application.PaymentOutboxMessage{pay}, []*application.OrderApprovalOutboxMessage{appr})
	f.expectTransaction()
	f.expectTransaction()
	f.payments.EXPECT().Resend(inTx, pay).Return(nil)
	f.approvals.EXPECT().Resend(inTx, appr).Return(nil)

	require.NoError(t, f.deadlines.CheckDeadlines(context.Background()))
}

// After the last resend an unanswered payment request cancels the order with
// a refund request: the money may have been taken without the answer
// arriving, and the refund makes payment-service refuse a late request.
func TestUnansweredPaymentCancelsTheOrderWithARefundRequest(t *testing.T) {
	f := newFixture(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	order := storedOrder(kernel.OrderStatusPending)
	pay := paymentRow(sagaID, order.ID(), kernel.PaymentOrderStatusPending, kernel.OrderStatusPending, saga.StatusStarted)
	pay.Resends = deadlineConfig.MaxResends
	var refund *application.PaymentOutboxMessage
	f.expectOverdue([]*application.PaymentOutboxMessage{pay}, nil)
	f.expectTransaction()
	gomock.InOrder(
		f.payments.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusStarted).Return([]*application.PaymentOutboxMessage{pay}, nil),
		f.orders.EXPECT().FindByID(inTx, order.ID()).Return(order, nil),
		f.orders.EXPECT().Update(inTx, orderIn(order.ID(), kernel.OrderStatusCancelling)).Return(nil),
		f.payments.EXPECT().Update(inTx, paymentRowIn(pay, kernel.OrderStatusCancelling, saga.StatusCompensating)).Return(nil),
		f.payments.EXPECT().Save(inTx, gomock.Any()).DoAndReturn(func(_ context.Context, m *application.PaymentOutboxMessage) error {
			refund = m
			return nil
		}),
	)

	require.NoError(t, f.deadlines.CheckDeadlines(context.Background()))

	assert.Equal(t, []string{application.PaymentTimedOutMessage}, order.FailureMessages())
	require.NotNil(t, refund)
	assert.Equal(t, sagaID, refund.SagaID)
	assert.Equal(t, kernel.PaymentOrderStatusCancelled, refund.PaymentOrderStatus)
	assert.Equal(t, saga.StatusCompensating, refund.SagaStatus)
	assert.Equal(t, outbox.StatusStarted, refund.OutboxStatus)
	assert.Equal(t, order.Price(), refund.Payload.Price)
	assert.Equal(t, order.ID(), refund.Payload.OrderID)
}

// An unanswered approval is compensated like a rejection: a refund is
// requested. The restaurant may yet approve the order, so it is told of the
// cancellation too.
func TestUnansweredApprovalIsCompensatedWithARefundAndTheRestaurantIsTold(t *testing.T) {
	f := newFixture(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	order := storedOrder(kernel.OrderStatusPaid)
	appr := approvalRow(sagaID, order.ID(), kernel.OrderStatusPaid, saga.StatusProcessing)
	appr.Resends = deadlineConfig.MaxResends
	var (
		refund       *application.PaymentOutboxMessage
		cancellation *application.OrderApprovalOutboxMessage
	)
	f.expectOverdue(nil, []*application.OrderApprovalOutboxMessage{appr})
	f.expectTransaction()
	gomock.InOrder(
		f.approvals.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusProcessing).Return(appr, nil),
		f.orders.EXPECT().FindByID(inTx, order.ID()).Return(order, nil),
		f.orders.EXPECT().Update(inTx, orderIn(order.ID(), kernel.OrderStatusCancelling)).Return(nil),
		f.approvals.EXPECT().Update(inTx, approvalRowIn(appr, kernel.OrderStatusCancelling, saga.StatusCompensating)).Return(nil),
		f.payments.EXPECT().Save(inTx, gomock.Any()).DoAndReturn(func(_ context.Context, m *application.PaymentOutboxMessage) error {
			refund = m
			return nil
		}),
		f.approvals.EXPECT().Save(inTx, gomock.Any()).DoAndReturn(func(_ context.Context, m *application.OrderApprovalOutboxMessage) error {
			cancellation = m
			return nil
		}),
	)

	require.NoError(t, f.deadlines.CheckDeadlines(context.Background()))

	assert.Equal(t, []string{application.ApprovalTimedOutMessage}, order.FailureMessages())
	require.NotNil(t, refund)
	assert.Equal(t, kernel.PaymentOrderStatusCancelled, refund.PaymentOrderStatus)
	require.NotNil(t, cancellation)
	assert.Equal(t, kernel.RestaurantOrderStatusCancelled, cancellation.RestaurantOrderStatus)
	assert.Equal(t, kernel.RestaurantOrderStatusCancelled, cancellation.Payload.RestaurantOrderStatus)
	assert.Equal(t, appr.Payload.Products, cancellation.Payload.Products)
	assert.Equal(t, appr.Payload.RestaurantID, cancellation.Payload.RestaurantID)
	assert.Equal(t, sagaID, cancellation.SagaID)
	assert.NotEqual(t, appr.ID, cancellation.ID)
	assert.Equal(t, outbox.StatusStarted, cancellation.OutboxStatus)
}

// Silence is not a fact: a refund that is not confirmed is sent again, after
// MaxResends as before it, and the saga never ends FAILED for want of an
// answer (the money may be on its way back; the order counts as stuck
// meanwhile).
func TestUnconfirmedRefundIsSentAgainForeverAndNeverEndsTheSaga(t *testing.T) {
	for _, resends := range []int{0, deadlineConfig.MaxResends, 10 * deadlineConfig.MaxResends} {
		f := newFixture(t)
		_, order, _, p2, _ := rejectedSaga()
		p2.Resends = resends
		f.expectOverdue([]*application.PaymentOutboxMessage{p2}, nil)
		f.expectTransaction()
		f.payments.EXPECT().Resend(inTx, p2).Return(nil)

		require.NoError(t, f.deadlines.CheckDeadlines(context.Background()), "after %d resends", resends)

		assert.Equal(t, kernel.OrderStatusCancelling, order.Status())
		assert.Equal(t, []string{"restaurant rejected"}, order.FailureMessages(), "nothing is added for want of an answer")
	}
}

// A reply that moved the saga between the look-up and the resend wins: the
// scheduler's conflict is not an error, and the next check sees the saga as
// it now stands.
func TestDeadlineLosesToAConcurrentReplyWithoutError(t *testing.T) {
	f := newFixture(t)
	order := storedOrder(kernel.OrderStatusPending)
	pay := paymentRow(kernel.NewID[kernel.SagaID](), order.ID(), kernel.PaymentOrderStatusPending, kernel.OrderStatusPending, saga.StatusStarted)
	f.expectOverdue([]*application.PaymentOutboxMessage{pay}, nil)
	f.expectTransaction()
	f.payments.EXPECT().Resend(inTx, pay).Return(kernel.Errorf(kernel.ECodeConflict, "row changed"))

	require.NoError(t, f.deadlines.CheckDeadlines(context.Background()))
}
