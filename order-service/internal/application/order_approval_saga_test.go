package application_test

import (
	"context"
	"testing"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/application"
)

func approvalResponse(sagaID kernel.SagaID, order kernel.OrderID, status kernel.OrderApprovalStatus, failures ...string) application.RestaurantApprovalResponse {
	return application.RestaurantApprovalResponse{
		ID: kernel.NewID[kernel.MessageID](), SagaID: sagaID, OrderID: order, RestaurantID: restaurantID,
		CreatedAt: now, OrderApprovalStatus: status, FailureMessages: failures,
	}
}

func TestOrderApprovedEndsTheSaga(t *testing.T) {
	f := newFixture(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	order := storedOrder(kernel.OrderStatusPaid)
	a := approvalRow(sagaID, order.ID(), kernel.OrderStatusPaid, saga.StatusProcessing)
	p1 := paymentRow(sagaID, order.ID(), kernel.PaymentOrderStatusPending, kernel.OrderStatusPaid, saga.StatusProcessing)
	f.expectTransaction()
	gomock.InOrder(
		f.approvals.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusProcessing).Return(a, nil),
		f.orders.EXPECT().FindByID(inTx, order.ID()).Return(order, nil),
		f.orders.EXPECT().Update(inTx, orderIn(order.ID(), kernel.OrderStatusApproved)).Return(nil),
		f.approvals.EXPECT().Update(inTx, approvalRowIn(a, kernel.OrderStatusApproved, saga.StatusSucceeded)).Return(nil),
		f.payments.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusProcessing).Return([]*application.PaymentOutboxMessage{p1}, nil),
		f.payments.EXPECT().Update(inTx, paymentRowIn(p1, kernel.OrderStatusApproved, saga.StatusSucceeded)).Return(nil),
		f.expectSagaEnded(kernel.OrderStatusApproved, saga.StatusSucceeded),
	)

	err := f.approval.OrderApproved(context.Background(), approvalResponse(sagaID, order.ID(), kernel.OrderApprovalStatusApproved))

	require.NoError(t, err)
}

func TestOrderApprovedWithoutProcessingPaymentRowIsRefused(t *testing.T) {
	f := newFixture(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	order := storedOrder(kernel.OrderStatusPaid)
	a := approvalRow(sagaID, order.ID(), kernel.OrderStatusPaid, saga.StatusProcessing)
	f.expectTransaction()
	f.approvals.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusProcessing).Return(a, nil)
	f.orders.EXPECT().FindByID(inTx, order.ID()).Return(order, nil)
	f.orders.EXPECT().Update(inTx, gomock.Any()).Return(nil)
	f.approvals.EXPECT().Update(inTx, gomock.Any()).Return(nil)
	f.payments.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusProcessing).Return(nil, nil)

	err := f.approval.OrderApproved(context.Background(), approvalResponse(sagaID, order.ID(), kernel.OrderApprovalStatusApproved))

	assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
	assert.Equal(t, "Payment outbox message cannot be found in PROCESSING state", kernel.ErrorMessageOf(err))
}

func TestOrderRejectedRequestsRefund(t *testing.T) {
	f := newFixture(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	order := storedOrder(kernel.OrderStatusPaid)
	a := approvalRow(sagaID, order.ID(), kernel.OrderStatusPaid, saga.StatusProcessing)
	var refund *application.PaymentOutboxMessage
	f.expectTransaction()
	gomock.InOrder(
		f.approvals.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusProcessing).Return(a, nil),
		f.orders.EXPECT().FindByID(inTx, order.ID()).Return(order, nil),
		f.orders.EXPECT().Update(inTx, orderIn(order.ID(), kernel.OrderStatusCancelling)).Return(nil),
		f.approvals.EXPECT().Update(inTx, approvalRowIn(a, kernel.OrderStatusCancelling, saga.StatusCompensating)).Return(nil),
		f.payments.EXPECT().Save(inTx, gomock.Any()).DoAndReturn(func(_ context.Context, m *application.PaymentOutboxMessage) error {
			refund = m
			return nil
		}),
	)

	err := f.approval.OrderRejected(context.Background(), approvalResponse(sagaID, order.ID(), kernel.OrderApprovalStatusRejected, "Product with id x is not available"))

	require.NoError(t, err)
	assert.Equal(t, []string{"Product with id x is not available"}, order.FailureMessages())
	require.NotNil(t, refund)
	assert.Equal(t, sagaID, refund.SagaID)
	assert.Equal(t, kernel.OrderStatusCancelling, refund.OrderStatus)
	assert.Equal(t, saga.StatusCompensating, refund.SagaStatus)
	assert.Equal(t, outbox.StatusStarted, refund.OutboxStatus)
	assert.Equal(t, kernel.PaymentOrderStatusCancelled, refund.PaymentOrderStatus)
	assert.Equal(t, application.OrderPaymentEventPayload{
		OrderID: order.ID(), CustomerID: customerID, Price: kerneltest.Money("200"), CreatedAt: now,
		PaymentOrderStatus: kernel.PaymentOrderStatusCancelled,
	}, refund.Payload)
}

func TestApprovalRepliesTwiceChangeNothing(t *testing.T) {
	tests := []struct {
		name string
		call func(f *fixture, r application.RestaurantApprovalResponse) error
	}{
		{"approved", func(f *fixture, r application.RestaurantApprovalResponse) error {
			return f.approval.OrderApproved(context.Background(), r)
		}},
		{"rejected", func(f *fixture, r application.RestaurantApprovalResponse) error {
			return f.approval.OrderRejected(context.Background(), r)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			sagaID := kernel.NewID[kernel.SagaID]()
			f.expectTransaction()
			f.approvals.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusProcessing).Return(nil, kernel.ErrNotFound)
			if tt.name == "approved" {
				// Not a cancelled order either: nothing to tell the restaurant.
				f.approvals.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusCompensating, saga.StatusCompensated, saga.StatusFailed).
					Return(nil, kernel.ErrNotFound)
			}

			err := tt.call(f, approvalResponse(sagaID, kernel.NewID[kernel.OrderID](), kernel.OrderApprovalStatusApproved))

			require.NoError(t, err)
		})
	}
}

func TestApprovalOfAnOrderInTheWrongStateIsRefused(t *testing.T) {
	f := newFixture(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	order := storedOrder(kernel.OrderStatusPending)
	a := approvalRow(sagaID, order.ID(), kernel.OrderStatusPaid, saga.StatusProcessing)
	f.expectTransaction()
	f.approvals.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusProcessing).Return(a, nil)
	f.orders.EXPECT().FindByID(inTx, order.ID()).Return(order, nil)

	err := f.approval.OrderApproved(context.Background(), approvalResponse(sagaID, order.ID(), kernel.OrderApprovalStatusApproved))

	assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
	assert.Equal(t, "Order is not in correct state for approve operation!", kernel.ErrorMessageOf(err))
}

func TestApprovalReplyNamingAnotherOrderIsRefused(t *testing.T) {
	for _, status := range []kernel.OrderApprovalStatus{kernel.OrderApprovalStatusApproved, kernel.OrderApprovalStatusRejected} {
		t.Run(string(status), func(t *testing.T) {
			f := newFixture(t)
			sagaID := kernel.NewID[kernel.SagaID]()
			sagaOrder := kernel.NewID[kernel.OrderID]()
			a := approvalRow(sagaID, sagaOrder, kernel.OrderStatusPaid, saga.StatusProcessing)
			f.expectTransaction()
			f.approvals.EXPECT().FindBySagaIDAndSagaStatus(inTx, sagaID, saga.StatusProcessing).Return(a, nil)

			reply := approvalResponse(sagaID, kernel.NewID[kernel.OrderID](), status)
			var err error
			if status == kernel.OrderApprovalStatusApproved {
				err = f.approval.OrderApproved(context.Background(), reply)
			} else {
				err = f.approval.OrderRejected(context.Background(), reply)
			}

			assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
		})
	}
}
