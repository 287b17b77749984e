package application_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/application"
)

func TestPaymentCompletedPaysOrderAndRequestsApproval(t *testing.T) {
	f := newFixture(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	order := storedOrder(kernel.OrderStatusPending)
	p1 := paymentRow(sagaID, order.ID(), kernel.PaymentOrderStatusPending, kernel.OrderStatusPending, saga.StatusStarted)
	var approval *application.OrderApprovalOutboxMessage
	f.expectTransaction()
	gomock.InOrder(
		f.payments.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusStarted).Return([]*application.PaymentOutboxMessage{p1}, nil),
		f.orders.EXPECT().FindByID(inTx, order.ID()).Return(order, nil),
		f.orders.EXPECT().Update(inTx, orderIn(order.ID(), kernel.OrderStatusPaid)).Return(nil),
		f.payments.EXPECT().Update(inTx, paymentRowIn(p1, kernel.OrderStatusPaid, saga.StatusProcessing)).Return(nil),
		f.approvals.EXPECT().Save(inTx, gomock.Any()).DoAndReturn(func(_ context.Context, m *application.OrderApprovalOutboxMessage) error {
			approval = m
			return nil
		}),
	)

	err := f.payment.PaymentCompleted(context.Background(), paymentResponse(sagaID, order.ID(), kernel.PaymentStatusCompleted))

	require.NoError(t, err)
	require.NotNil(t, approval)
	assert.Equal(t, sagaID, approval.SagaID)
	assert.Equal(t, saga.OrderSagaName, approval.Type)
	assert.Equal(t, kernel.OrderStatusPaid, approval.OrderStatus)
	assert.Equal(t, saga.StatusProcessing, approval.SagaStatus)
	assert.Equal(t, outbox.StatusStarted, approval.OutboxStatus)
	assert.Equal(t, application.OrderApprovalEventPayload{
		OrderID:               order.ID(),
		RestaurantID:          restaurantID,
		Price:                 kerneltest.Money("200"),
		CreatedAt:             now,
		RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid,
		Products:              []application.OrderApprovalEventProduct{{ID: productID, Quantity: 1}, {ID: productID, Quantity: 3}},
	}, approval.Payload)
	assert.Equal(t, now, approval.CreatedAt)
}

func TestPaymentCompletedTwiceChangesNothing(t *testing.T) {
	f := newFixture(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	f.expectTransaction()
	f.payments.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusStarted).Return(nil, nil)

	err := f.payment.PaymentCompleted(context.Background(), paymentResponse(sagaID, kernel.NewID[kernel.OrderID](), kernel.PaymentStatusCompleted))

	require.NoError(t, err)
}

func TestPaymentFailedCancelsOrder(t *testing.T) {
	f := newFixture(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	order := storedOrder(kernel.OrderStatusPending)
	p1 := paymentRow(sagaID, order.ID(), kernel.PaymentOrderStatusPending, kernel.OrderStatusPending, saga.StatusStarted)
	f.expectTransaction()
	gomock.InOrder(
		f.payments.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusStarted, saga.StatusProcessing, saga.StatusCompensating).
			Return([]*application.PaymentOutboxMessage{p1}, nil),
		f.orders.EXPECT().FindByID(inTx, order.ID()).Return(order, nil),
		f.orders.EXPECT().Update(inTx, orderIn(order.ID(), kernel.OrderStatusCancelled)).Return(nil),
		f.payments.EXPECT().Update(inTx, paymentRowIn(p1, kernel.OrderStatusCancelled, saga.StatusCompensated)).Return(nil),
		f.expectSagaEnded(kernel.OrderStatusCancelled, saga.StatusCompensated),
	)

	err := f.payment.PaymentCancelled(context.Background(), paymentResponse(sagaID, order.ID(), kernel.PaymentStatusFailed, "not enough credit"))

	require.NoError(t, err)
	assert.Equal(t, []string{"not enough credit"}, order.FailureMessages())
}

func TestPaymentRefundedCompensatesEveryRowOfTheSaga(t *testing.T) {
	f := newFixture(t)
	sagaID, order, p1, p2, a := rejectedSaga()
	p2.CreatedAt = now.Add(time.Minute) // the refund request: the saga began with p1
	f.expectTransaction()
	gomock.InOrder(
		f.payments.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusProcessing, saga.StatusCompensating, saga.StatusFailed).
			Return([]*application.PaymentOutboxMessage{p1, p2}, nil),
		f.orders.EXPECT().FindByID(inTx, order.ID()).Return(order, nil),
		f.orders.EXPECT().Update(inTx, orderIn(order.ID(), kernel.OrderStatusCancelled)).Return(nil),
		f.payments.EXPECT().Update(inTx, paymentRowIn(p1, kernel.OrderStatusCancelled, saga.StatusCompensated)).Return(nil),
		f.payments.EXPECT().Update(inTx, paymentRowIn(p2, kernel.OrderStatusCancelled, saga.StatusCompensated)).Return(nil),
		f.approvals.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusCompensating, saga.StatusFailed).Return(a, nil),
		f.approvals.EXPECT().Update(inTx, approvalRowIn(a, kernel.OrderStatusCancelled, saga.StatusCompensated)).Return(nil),
		f.expectSagaEnded(kernel.OrderStatusCancelled, saga.StatusCompensated),
	)

	err := f.payment.PaymentCancelled(context.Background(), paymentResponse(sagaID, order.ID(), kernel.PaymentStatusCancelled))

	require.NoError(t, err)
	assert.Equal(t, []string{"restaurant rejected"}, order.FailureMessages())
}

func TestPaymentCancelledTwiceChangesNothing(t *testing.T) {
	lookedUp := map[kernel.PaymentStatus][]any{
		kernel.PaymentStatusCancelled: {saga.StatusProcessing, saga.StatusCompensating, saga.StatusFailed},
		kernel.PaymentStatusFailed:    {saga.StatusStarted, saga.StatusProcessing, saga.StatusCompensating},
	}
	for status, statuses := range lookedUp {
		t.Run(string(status), func(t *testing.T) {
			f := newFixture(t)
			sagaID := kernel.NewID[kernel.SagaID]()
			f.expectTransaction()
			f.payments.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, statuses...).Return([]*application.PaymentOutboxMessage{}, nil)

			err := f.payment.PaymentCancelled(context.Background(), paymentResponse(sagaID, kernel.NewID[kernel.OrderID](), status))

			require.NoError(t, err)
		})
	}
}

// A FAILED answer to the refund of a paid order: the money may still be held,
// so the order stays CANCELLING with the reason and every row of the saga
// ends FAILED, never COMPENSATED.
func TestRefusedRefundLeavesTheSagaFailedAndTheOrderCancelling(t *testing.T) {
	f := newFixture(t)
	sagaID, order, p1, p2, a := rejectedSaga()
	f.expectTransaction()
	gomock.InOrder(
		f.payments.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusStarted, saga.StatusProcessing, saga.StatusCompensating).
			Return([]*application.PaymentOutboxMessage{p1, p2}, nil),
		f.orders.EXPECT().FindByID(inTx, order.ID()).Return(order, nil),
		f.approvals.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusCompensating, saga.StatusFailed).Return(a, nil),
		f.orders.EXPECT().Update(inTx, orderIn(order.ID(), kernel.OrderStatusCancelling)).Return(nil),
		f.payments.EXPECT().Update(inTx, paymentRowIn(p1, kernel.OrderStatusCancelling, saga.StatusFailed)).Return(nil),
		f.payments.EXPECT().Update(inTx, paymentRowIn(p2, kernel.OrderStatusCancelling, saga.StatusFailed)).Return(nil),
		f.approvals.EXPECT().Update(inTx, approvalRowIn(a, kernel.OrderStatusCancelling, saga.StatusFailed)).Return(nil),
		f.expectSagaEnded(kernel.OrderStatusCancelling, saga.StatusFailed),
	)

	err := f.payment.PaymentCancelled(context.Background(), paymentResponse(sagaID, order.ID(), kernel.PaymentStatusFailed, "refund refused"))

	require.NoError(t, err)
	assert.Equal(t, kernel.OrderStatusCancelling, order.Status())
	assert.Equal(t, []string{"restaurant rejected", "refund refused"}, order.FailureMessages())
}

// An order cancelled because its payment was never answered has no approval
// row. A late FAILED answer to its payment request says no money was taken:
// the order is CANCELLED and the saga COMPENSATED.
func TestLateFailedPaymentOfAnUnpaidCancellingOrderCancelsIt(t *testing.T) {
	f := newFixture(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	order := storedOrder(kernel.OrderStatusCancelling, application.PaymentTimedOutMessage)
	p1 := paymentRow(sagaID, order.ID(), kernel.PaymentOrderStatusPending, kernel.OrderStatusCancelling, saga.StatusCompensating)
	p2 := paymentRow(sagaID, order.ID(), kernel.PaymentOrderStatusCancelled, kernel.OrderStatusCancelling, saga.StatusCompensating)
	f.expectTransaction()
	gomock.InOrder(
		f.payments.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusStarted, saga.StatusProcessing, saga.StatusCompensating).
			Return([]*application.PaymentOutboxMessage{p1, p2}, nil),
		f.orders.EXPECT().FindByID(inTx, order.ID()).Return(order, nil),
		f.approvals.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusCompensating, saga.StatusFailed).Return(nil, kernel.ErrNotFound),
		f.orders.EXPECT().Update(inTx, orderIn(order.ID(), kernel.OrderStatusCancelled)).Return(nil),
		f.payments.EXPECT().Update(inTx, paymentRowIn(p1, kernel.OrderStatusCancelled, saga.StatusCompensated)).Return(nil),
		f.payments.EXPECT().Update(inTx, paymentRowIn(p2, kernel.OrderStatusCancelled, saga.StatusCompensated)).Return(nil),
		f.expectSagaEnded(kernel.OrderStatusCancelled, saga.StatusCompensated),
	)

	err := f.payment.PaymentCancelled(context.Background(), paymentResponse(sagaID, order.ID(), kernel.PaymentStatusFailed, "not enough credit"))

	require.NoError(t, err)
	assert.Equal(t, kernel.OrderStatusCancelled, order.Status())
}

// The refund of an order that was never paid (no approval row) ends the
// saga COMPENSATED without touching an approval row.
func TestRefundOfAnUnpaidOrderCompensatesWithoutAnApprovalRow(t *testing.T) {
	f := newFixture(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	order := storedOrder(kernel.OrderStatusCancelling, application.PaymentTimedOutMessage)
	p1 := paymentRow(sagaID, order.ID(), kernel.PaymentOrderStatusPending, kernel.OrderStatusCancelling, saga.StatusCompensating)
	p2 := paymentRow(sagaID, order.ID(), kernel.PaymentOrderStatusCancelled, kernel.OrderStatusCancelling, saga.StatusCompensating)
	f.expectTransaction()
	gomock.InOrder(
		f.payments.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusProcessing, saga.StatusCompensating, saga.StatusFailed).
			Return([]*application.PaymentOutboxMessage{p1, p2}, nil),
		f.orders.EXPECT().FindByID(inTx, order.ID()).Return(order, nil),
		f.orders.EXPECT().Update(inTx, orderIn(order.ID(), kernel.OrderStatusCancelled)).Return(nil),
		f.payments.EXPECT().Update(inTx, paymentRowIn(p1, kernel.OrderStatusCancelled, saga.StatusCompensated)).Return(nil),
		f.payments.EXPECT().Update(inTx, paymentRowIn(p2, kernel.OrderStatusCancelled, saga.StatusCompensated)).Return(nil),
		f.approvals.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusCompensating, saga.StatusFailed).Return(nil, kernel.ErrNotFound),
		f.expectSagaEnded(kernel.OrderStatusCancelled, saga.StatusCompensated),
	)

	err := f.payment.PaymentCancelled(context.Background(), paymentResponse(sagaID, order.ID(), kernel.PaymentStatusCancelled))

	require.NoError(t, err)
	assert.Equal(t, kernel.OrderStatusCancelled, order.Status())
}

// A reply naming another order than its saga's rows moves nothing: no order
// is loaded or saved, and the error dead-letters the reply.
func TestReplyNamingAnotherOrderIsRefused(t *testing.T) {
	for _, status := range []kernel.PaymentStatus{kernel.PaymentStatusCompleted, kernel.PaymentStatusFailed, kernel.PaymentStatusCancelled} {
		t.Run(string(status), func(t *testing.T) {
			f := newFixture(t)
			sagaID := kernel.NewID[kernel.SagaID]()
			sagaOrder, otherOrder := kernel.NewID[kernel.OrderID](), kernel.NewID[kernel.OrderID]()
			p1 := paymentRow(sagaID, sagaOrder, kernel.PaymentOrderStatusPending, kernel.OrderStatusPending, saga.StatusStarted)
			f.expectTransaction()
			f.payments.EXPECT().FindBySagaIDAndSagaStatus(gomock.Any(), gomock.Any(), gomock.Any()).AnyTimes().
				Return([]*application.PaymentOutboxMessage{p1}, nil)
			f.payments.EXPECT().FindBySagaIDAndSagaStatus(gomock.Any(), gomock.Any(), gomock.Any(), gomock.Any()).AnyTimes().
				Return([]*application.PaymentOutboxMessage{p1}, nil)
			f.payments.EXPECT().FindBySagaIDAndSagaStatus(gomock.Any(), gomock.Any(), gomock.Any(), gomock.Any(), gomock.Any()).AnyTimes().
				Return([]*application.PaymentOutboxMessage{p1}, nil)

			reply := paymentResponse(sagaID, otherOrder, status)
			var err error
			if status == kernel.PaymentStatusCompleted {
				err = f.payment.PaymentCompleted(context.Background(), reply)
			} else {
				err = f.payment.PaymentCancelled(context.Background(), reply)
			}

			assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
			assert.Contains(t, err.Error(), sagaOrder.String())
		})
	}
}

func TestPaymentSagaErrors(t *testing.T) {
	t.Run("unknown order can never be handled", func(t *testing.T) {
		f := newFixture(t)
		sagaID := kernel.NewID[kernel.SagaID]()
		orderID := kernel.NewID[kernel.OrderID]()
		p1 := paymentRow(sagaID, orderID, kernel.PaymentOrderStatusPending, kernel.OrderStatusPending, saga.StatusStarted)
		f.expectTransaction()
		f.payments.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusStarted).Return([]*application.PaymentOutboxMessage{p1}, nil)
		f.orders.EXPECT().FindByID(inTx, orderID).Return(nil, kernel.ErrNotFound)

		err := f.payment.PaymentCompleted(context.Background(), paymentResponse(sagaID, orderID, kernel.PaymentStatusCompleted))

		assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
		assert.Equal(t, fmt.Sprintf("Order with id: %s could not be found!", orderID), kernel.ErrorMessageOf(err))
	})
	t.Run("a concurrent change is a conflict to retry", func(t *testing.T) {
		f := newFixture(t)
		sagaID := kernel.NewID[kernel.SagaID]()
		order := storedOrder(kernel.OrderStatusPending)
		p1 := paymentRow(sagaID, order.ID(), kernel.PaymentOrderStatusPending, kernel.OrderStatusPending, saga.StatusStarted)
		f.expectTransaction()
		f.payments.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusStarted).Return([]*application.PaymentOutboxMessage{p1}, nil)
		f.orders.EXPECT().FindByID(inTx, order.ID()).Return(order, nil)
		f.orders.EXPECT().Update(inTx, gomock.Any()).Return(kernel.Errorf(kernel.ECodeConflict, "order changed"))

		err := f.payment.PaymentCompleted(context.Background(), paymentResponse(sagaID, order.ID(), kernel.PaymentStatusCompleted))

		assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(err))
	})
	t.Run("COMPLETED is not a rollback", func(t *testing.T) {
		f := newFixture(t)

		err := f.payment.PaymentCancelled(context.Background(), paymentResponse(kernel.NewID[kernel.SagaID](), kernel.NewID[kernel.OrderID](), kernel.PaymentStatusCompleted))

		assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
	})
}
