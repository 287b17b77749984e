package application_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

func TestCompletePaymentCompletes(t *testing.T) {
	f := newFixture(t)
	req := pendingRequest("200.00")
	credit := creditEntry(t, "500.00")
	var saved *domain.Payment
	var debit *domain.CreditHistory
	var msg application.OrderOutboxMessage
	gomock.InOrder(append(f.readsBeforePayment(req, credit, nil),
		f.readHistory(t),
		f.capturePayment(&saved),
		f.credits.EXPECT().Save(gomock.Any(), credit).Return(nil),
		f.captureMovement(&debit),
		f.captureAnswer(&msg),
	)...)

	require.NoError(t, f.helper.CompletePayment(context.Background(), req))

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
		Price: kerneltest.Money("200.00"), CreatedAt: now, PaymentStatus: kernel.PaymentStatusCompleted, FailureMessages: []string{}}, msg.Payload)
}

func TestCompletePaymentRefusedAnswersFailed(t *testing.T) {
	tests := []struct {
		name      string
		price     string
		wantFails []string
	}{
		{name: "insufficient credit", price: "600.00", wantFails: []string{
			"Customer with id=d215b5f8-0249-4dc5-89a3-51fd148cfb41 doesn't have enough credit for payment!",
			"Customer with id=d215b5f8-0249-4dc5-89a3-51fd148cfb41 doesn't have enough credit according to credit history!",
		}},
		{name: "non-positive price", price: "0", wantFails: []string{"Total price must be greater than zero!"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			req := pendingRequest(tt.price)
			credit := creditEntry(t, "500.00")
			var saved *domain.Payment
			var msg application.OrderOutboxMessage
			gomock.InOrder(append(f.readsBeforePayment(req, credit, nil),
				f.readHistory(t),
				f.capturePayment(&saved),
				// No credit entry or history is saved: gomock fails on the call.
				f.captureAnswer(&msg),
			)...)

			require.NoError(t, f.helper.CompletePayment(context.Background(), req))

			assert.Equal(t, kernel.PaymentStatusFailed, saved.Status())
			assert.Equal(t, "500.00", credit.TotalCreditAmount().String())
			assert.Equal(t, kernel.PaymentStatusFailed, msg.PaymentStatus)
			assert.Equal(t, kernel.PaymentStatusFailed, msg.Payload.PaymentStatus)
			assert.Equal(t, tt.wantFails, msg.Payload.FailureMessages)
		})
	}
}

func TestCompletePaymentWithoutCreditEntryAnswersFailed(t *testing.T) {
	f := newFixture(t)
	req := pendingRequest("200.00")
	var saved *domain.Payment
	var msg application.OrderOutboxMessage
	gomock.InOrder(append(f.readsBeforePayment(req, nil, nil),
		// No history is read and no credit moves: there is none.
		f.capturePayment(&saved),
		f.captureAnswer(&msg),
	)...)

	require.NoError(t, f.helper.CompletePayment(context.Background(), req))

	require.NotNil(t, saved, "the FAILED payment is saved, as for insufficient credit")
	assert.Equal(t, kernel.PaymentStatusFailed, saved.Status())
	assert.Equal(t, req.OrderID, saved.OrderID())
	assert.Equal(t, kernel.PaymentOrderStatusPending, msg.PaymentOrderStatus)
	assert.Equal(t, application.OrderEventPayload{PaymentID: saved.ID(), CustomerID: customerID, OrderID: req.OrderID,
		Price: kerneltest.Money("200.00"), CreatedAt: now, PaymentStatus: kernel.PaymentStatusFailed,
		FailureMessages: []string{"Could not find credit entry for customer: d215b5f8-0249-4dc5-89a3-51fd148cfb41"}}, msg.Payload)
}

func TestCompletePaymentWithoutCustomerAnswersFailed(t *testing.T) {
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
				f.answered(req, false),
				f.captureAnswer(&msg),
			)

			persist := f.helper.CompletePayment
			if kind == kernel.PaymentOrderStatusCancelled {
				persist = f.helper.CancelPayment
			}
			require.NoError(t, persist(context.Background(), req))

			assert.Equal(t, req.SagaID, msg.SagaID)
			assert.Equal(t, kind, msg.PaymentOrderStatus)
			assert.Equal(t, kernel.PaymentStatusFailed, msg.PaymentStatus)
			assert.Equal(t, application.OrderEventPayload{OrderID: req.OrderID, Price: kerneltest.Money("200.00"), CreatedAt: now,
				PaymentStatus:   kernel.PaymentStatusFailed,
				FailureMessages: []string{fmt.Sprintf("Payment request for order: %s names no customer!", req.OrderID)}}, msg.Payload)
		})
	}
	t.Run("duplicate", func(t *testing.T) {
		f := newFixture(t)
		req := pendingRequest("200.00")
		req.CustomerID = kernel.CustomerID{}
		gomock.InOrder(f.inTransaction(), f.answered(req, true))
		assert.NoError(t, f.helper.CompletePayment(context.Background(), req))
	})
}

func TestCompletePaymentAfterCancellationIsRefused(t *testing.T) {
	f := newFixture(t)
	req := pendingRequest("200.00")
	cancelled := storedPayment(t, req.OrderID, kernel.PaymentStatusCancelled)
	credit := creditEntry(t, "500.00")
	// No history, no payment, no credit movement and no answer: the strict
	// mocks fail the test on any of them.
	gomock.InOrder(f.readsBeforePayment(req, credit, cancelled)...)

	require.NoError(t, f.helper.CompletePayment(context.Background(), req))

	assert.Equal(t, "500.00", credit.TotalCreditAmount().String())
	assert.Equal(t, kernel.PaymentStatusCancelled, cancelled.Status())
}

func TestCompletePaymentDuplicates(t *testing.T) {
	t.Run("saga already answered", func(t *testing.T) {
		f := newFixture(t)
		req := pendingRequest("200.00")
		gomock.InOrder(f.inTransaction(), f.lockCredit(customerID, creditEntry(t, "500.00")),
			f.findPayment(req.OrderID, storedPayment(t, req.OrderID, kernel.PaymentStatusCompleted)), f.answered(req, true))
		assert.NoError(t, f.helper.CompletePayment(context.Background(), req))
	})
	for _, status := range []kernel.PaymentStatus{kernel.PaymentStatusCompleted, kernel.PaymentStatusFailed} {
		t.Run("payment "+string(status)+", answer cleaned", func(t *testing.T) {
			f := newFixture(t)
			req := pendingRequest("200.00")
			var answer application.OrderOutboxMessage
			gomock.InOrder(append(f.readsBeforePayment(req, creditEntry(t, "500.00"), storedPayment(t, req.OrderID, status)),
				f.outbox.EXPECT().Save(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, m application.OrderOutboxMessage) error {
					answer = m
					return nil
				}))...)
			assert.NoError(t, f.helper.CompletePayment(context.Background(), req))
			assert.Equal(t, status, answer.PaymentStatus, "answered again from the record")
			assert.Equal(t, req.SagaID, answer.SagaID)
		})
	}
	t.Run("payment refused by the unique order index", func(t *testing.T) {
		f := newFixture(t)
		req := pendingRequest("200.00")
		gomock.InOrder(append(f.readsBeforePayment(req, creditEntry(t, "500.00"), nil),
			f.readHistory(t),
			f.payments.EXPECT().Save(gomock.Any(), gomock.Any()).Return(fmt.Errorf("insert payment: %w", kernel.ErrDuplicate)),
		)...)
		assert.NoError(t, f.helper.CompletePayment(context.Background(), req))
	})
	t.Run("answer refused by the unique saga index", func(t *testing.T) {
		f := newFixture(t)
		req := pendingRequest("200.00")
		gomock.InOrder(append(f.readsBeforePayment(req, creditEntry(t, "500.00"), nil),
			f.readHistory(t),
			f.payments.EXPECT().Save(gomock.Any(), gomock.Any()).Return(nil),
			f.credits.EXPECT().Save(gomock.Any(), gomock.Any()).Return(nil),
			f.history.EXPECT().Save(gomock.Any(), gomock.Any()).Return(nil),
			f.outbox.EXPECT().Save(gomock.Any(), gomock.Any()).Return(fmt.Errorf("insert: %w", kernel.ErrDuplicate)),
		)...)
		assert.NoError(t, f.helper.CompletePayment(context.Background(), req))
	})
}

func TestCompletePaymentErrors(t *testing.T) {
	t.Run("database failure is returned for a retry", func(t *testing.T) {
		f := newFixture(t)
		req := pendingRequest("200.00")
		down := kernel.Errorf(kernel.ECodeUnavailable, "database unavailable")
		gomock.InOrder(append(f.readsBeforePayment(req, creditEntry(t, "500.00"), nil),
			f.history.EXPECT().TotalsByCustomerID(gomock.Any(), customerID).Return(domain.CreditHistoryTotals{}, down),
		)...)
		err := f.helper.CompletePayment(context.Background(), req)
		assert.True(t, errors.Is(err, down))
		assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(err))
	})
}

func TestCancelPaymentRefunds(t *testing.T) {
	f := newFixture(t)
	orderID := kernel.NewID[kernel.OrderID]()
	req := cancelRequest(orderID)
	payment := storedPayment(t, orderID, kernel.PaymentStatusCompleted)
	credit := creditEntry(t, "300.00")
	var refund *domain.CreditHistory
	var msg application.OrderOutboxMessage
	gomock.InOrder(append(f.readsBeforeCancel(req, credit, payment),
		f.payments.EXPECT().Save(gomock.Any(), payment).Return(nil),
		f.credits.EXPECT().Save(gomock.Any(), credit).Return(nil),
		f.captureMovement(&refund),
		f.captureAnswer(&msg),
	)...)

	require.NoError(t, f.helper.CancelPayment(context.Background(), req))

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

func TestCancelPaymentRefundsTheCustomerWhoPaid(t *testing.T) {
	f := newFixture(t)
	orderID := kernel.NewID[kernel.OrderID]()
	req := cancelRequest(orderID)
	req.CustomerID = kernel.NewID[kernel.CustomerID]() // contradicts the stored payment
	payment := storedPayment(t, orderID, kernel.PaymentStatusCompleted)
	payer := creditEntry(t, "300.00")
	var msg application.OrderOutboxMessage
	gomock.InOrder(append(f.readsBeforeCancel(req, nil, payment),
		f.lockCredit(customerID, payer),
		f.payments.EXPECT().Save(gomock.Any(), payment).Return(nil),
		f.credits.EXPECT().Save(gomock.Any(), payer).Return(nil),
		f.history.EXPECT().Save(gomock.Any(), gomock.Any()).Return(nil),
		f.captureAnswer(&msg),
	)...)

	require.NoError(t, f.helper.CancelPayment(context.Background(), req))

	assert.Equal(t, "500.00", payer.TotalCreditAmount().String())
	assert.Equal(t, kernel.PaymentStatusCancelled, msg.PaymentStatus)
}

func TestCancelPaymentOfFailedPaymentAnswersCancelled(t *testing.T) {
	f := newFixture(t)
	orderID := kernel.NewID[kernel.OrderID]()
	req := cancelRequest(orderID)
	payment := storedPayment(t, orderID, kernel.PaymentStatusFailed)
	credit := creditEntry(t, "300.00")
	var msg application.OrderOutboxMessage
	gomock.InOrder(append(f.readsBeforeCancel(req, credit, payment),
		// The payment becomes CANCELLED, so that a duplicate finds it so;
		// no credit entry or history is saved.
		f.payments.EXPECT().Save(gomock.Any(), payment).Return(nil),
		f.captureAnswer(&msg),
	)...)

	require.NoError(t, f.helper.CancelPayment(context.Background(), req))

	assert.Equal(t, "300.00", credit.TotalCreditAmount().String())
	assert.Equal(t, kernel.PaymentStatusCancelled, payment.Status())
	assert.Equal(t, kernel.PaymentStatusCancelled, msg.PaymentStatus)
	assert.Equal(t, kernel.PaymentOrderStatusCancelled, msg.PaymentOrderStatus)
	assert.Equal(t, payment.ID(), msg.Payload.PaymentID)
	assert.Empty(t, msg.Payload.FailureMessages)
}

func TestCancelPaymentBeforePaymentRecordsTheCancellation(t *testing.T) {
	f := newFixture(t)
	orderID := kernel.NewID[kernel.OrderID]()
	req := cancelRequest(orderID)
	credit := creditEntry(t, "300.00")
	var saved *domain.Payment
	var msg application.OrderOutboxMessage
	gomock.InOrder(append(f.readsBeforeCancel(req, credit, nil),
		// No credit entry or history is saved: nothing was taken.
		f.capturePayment(&saved),
		f.captureAnswer(&msg),
	)...)

	require.NoError(t, f.helper.CancelPayment(context.Background(), req))

	require.NotNil(t, saved)
	assert.Equal(t, kernel.PaymentStatusCancelled, saved.Status())
	assert.Equal(t, orderID, saved.OrderID())
	assert.Equal(t, customerID, saved.CustomerID())
	assert.Equal(t, "200.00", saved.Price().String(), "the request's price")
	assert.Equal(t, "300.00", credit.TotalCreditAmount().String())
	assert.Equal(t, req.SagaID, msg.SagaID)
	assert.Equal(t, kernel.PaymentOrderStatusCancelled, msg.PaymentOrderStatus)
	assert.Equal(t, application.OrderEventPayload{PaymentID: saved.ID(), CustomerID: customerID, OrderID: orderID,
		Price: kerneltest.Money("200.00"), CreatedAt: now, PaymentStatus: kernel.PaymentStatusCancelled, FailureMessages: []string{}}, msg.Payload)
}

func TestCancelPaymentBeforePaymentRacingThePaymentIsRetried(t *testing.T) {
	f := newFixture(t)
	orderID := kernel.NewID[kernel.OrderID]()
	req := cancelRequest(orderID)
	gomock.InOrder(append(f.readsBeforeCancel(req, nil, nil),
		f.payments.EXPECT().Save(gomock.Any(), gomock.Any()).Return(fmt.Errorf("insert payment: %w", kernel.ErrDuplicate)),
	)...)

	err := f.helper.CancelPayment(context.Background(), req)

	require.Error(t, err, "the payment that won the race still has to be cancelled")
	assert.False(t, errors.Is(err, kernel.ErrDuplicate), "not mistaken for an answered duplicate")
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(err), "a race, retried")
}

func TestCancelPaymentWithoutCreditEntryOfCompletedPaymentAnswersFailed(t *testing.T) {
	f := newFixture(t)
	orderID := kernel.NewID[kernel.OrderID]()
	req := cancelRequest(orderID)
	payment := storedPayment(t, orderID, kernel.PaymentStatusCompleted)
	var msg application.OrderOutboxMessage
	gomock.InOrder(append(f.readsBeforeCancel(req, nil, payment), f.captureAnswer(&msg))...)

	require.NoError(t, f.helper.CancelPayment(context.Background(), req))

	assert.Equal(t, kernel.PaymentStatusCompleted, payment.Status(), "not saved: nothing changed")
	assert.Equal(t, kernel.PaymentStatusFailed, msg.PaymentStatus)
	assert.Equal(t, []string{"Could not find credit entry for customer: d215b5f8-0249-4dc5-89a3-51fd148cfb41"}, msg.Payload.FailureMessages)
}

func TestCancelPaymentDuplicates(t *testing.T) {
	t.Run("saga already answered", func(t *testing.T) {
		f := newFixture(t)
		orderID := kernel.NewID[kernel.OrderID]()
		req := cancelRequest(orderID)
		gomock.InOrder(
			f.inTransaction(),
			f.lockCredit(customerID, creditEntry(t, "500.00")),
			f.findPayment(orderID, storedPayment(t, orderID, kernel.PaymentStatusCancelled)),
			f.answered(req, true),
		)
		assert.NoError(t, f.helper.CancelPayment(context.Background(), req))
	})
	t.Run("payment already cancelled, answer cleaned", func(t *testing.T) {
		f := newFixture(t)
		orderID := kernel.NewID[kernel.OrderID]()
		req := cancelRequest(orderID)
		var msg application.OrderOutboxMessage
		gomock.InOrder(append(f.readsBeforeCancel(req, creditEntry(t, "500.00"), storedPayment(t, orderID, kernel.PaymentStatusCancelled)),
			f.captureAnswer(&msg))...)
		assert.NoError(t, f.helper.CancelPayment(context.Background(), req))
		assert.Equal(t, kernel.PaymentStatusCancelled, msg.PaymentStatus, "answered again from the record")
	})
	t.Run("answer refused by the unique saga index", func(t *testing.T) {
		f := newFixture(t)
		orderID := kernel.NewID[kernel.OrderID]()
		req := cancelRequest(orderID)
		gomock.InOrder(append(f.readsBeforeCancel(req, creditEntry(t, "300.00"), storedPayment(t, orderID, kernel.PaymentStatusCompleted)),
			f.payments.EXPECT().Save(gomock.Any(), gomock.Any()).Return(nil),
			f.credits.EXPECT().Save(gomock.Any(), gomock.Any()).Return(nil),
			f.history.EXPECT().Save(gomock.Any(), gomock.Any()).Return(nil),
			f.outbox.EXPECT().Save(gomock.Any(), gomock.Any()).Return(fmt.Errorf("insert: %w", kernel.ErrDuplicate)),
		)...)
		assert.NoError(t, f.helper.CancelPayment(context.Background(), req))
	})
}
