package main

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/config"
)

// shortDeadlines makes a saga act after about two seconds: one resend after
// a second, compensation a second later.
func shortDeadlines(cfg *config.Config) {
	cfg.Saga = application.SagaDeadlineConfig{ReplyTimeout: time.Second, MaxResends: 1, CheckInterval: 100 * time.Millisecond}
}

// resent waits until the request with the given message id was published
// twice: the original and the deadline's resend under the same id.
func resent(t *testing.T, r *recorder, messageID uuid.UUID) {
	t.Helper()
	require.Eventually(t, func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		n := 0
		for _, rec := range r.records {
			if rec.Headers[kafka.HeaderMessageID] == messageID.String() {
				n++
			}
		}
		return n >= 2
	}, wait, tick, "message %s is published again", messageID)
}

func TestWhenAStepFails(t *testing.T) {
	s := startService(t, shortDeadlines)

	t.Run("an unanswered payment is requested again, then cancelled with a refund", func(t *testing.T) {
		s := s.with(t)
		order := s.createOrder()
		_, req := s.paymentRequest(order.OrderID, kernel.PaymentOrderStatusPending)
		resent(t, s.payments, req.ID)

		cancelling := s.waitForOrderStatus(order, kernel.OrderStatusCancelling)
		assert.Equal(t, []string{application.PaymentTimedOutMessage}, cancelling.FailureMessages)
		_, refund := s.paymentRequest(order.OrderID, kernel.PaymentOrderStatusCancelled)
		assert.Equal(t, req.SagaID, refund.SagaID)
		assert.Equal(t, req.Price.String(), refund.Price.String(), "the refund covers what the payment may have taken")
		s.waitForRows("payment_outbox", req.SagaID, "CANCELLING/COMPENSATING", "CANCELLING/COMPENSATING")

		// A late COMPLETED answer to the payment request moves nothing: the
		// refund will give the money back.
		s.paymentResponse(req, kernel.PaymentStatusCompleted)
		s.paymentResponse(refund, kernel.PaymentStatusCancelled)
		final := s.waitForOrderStatus(order, kernel.OrderStatusCancelled)
		assert.Equal(t, []string{application.PaymentTimedOutMessage}, final.FailureMessages)
		s.waitForRows("payment_outbox", req.SagaID, "CANCELLED/COMPENSATED", "CANCELLED/COMPENSATED")
		assert.Empty(t, s.rows("order_approval_outbox", req.SagaID), "an unpaid order is never sent to the restaurant")
	})

	t.Run("an unanswered approval is requested again, then compensated with a refund", func(t *testing.T) {
		s := s.with(t)
		order, req, rec, approval := s.paidOrder()
		resent(t, s.approvals, uuid.MustParse(rec.Headers[kafka.HeaderMessageID]))

		cancelling := s.waitForOrderStatus(order, kernel.OrderStatusCancelling)
		assert.Equal(t, []string{application.ApprovalTimedOutMessage}, cancelling.FailureMessages)
		_, refund := s.paymentRequest(order.OrderID, kernel.PaymentOrderStatusCancelled)
		s.approvalResponse(approval, kernel.OrderApprovalStatusApproved) // too late: changes nothing
		s.paymentResponse(refund, kernel.PaymentStatusCancelled)
		s.waitForOrderStatus(order, kernel.OrderStatusCancelled)
		s.waitForRows("payment_outbox", req.SagaID, "CANCELLED/COMPENSATED", "CANCELLED/COMPENSATED")
		s.waitForRows("order_approval_outbox", req.SagaID, "CANCELLED/COMPENSATED")
	})

	t.Run("a refused refund leaves the order CANCELLING and the saga FAILED", func(t *testing.T) {
		s := s.with(t)
		order, req, _, approval := s.paidOrder()
		s.approvalResponse(approval, kernel.OrderApprovalStatusRejected, "restaurant closed")
		_, refund := s.paymentRequest(order.OrderID, kernel.PaymentOrderStatusCancelled)

		s.paymentResponse(refund, kernel.PaymentStatusFailed, "refund refused")
		s.waitForRows("payment_outbox", req.SagaID, "CANCELLING/FAILED", "CANCELLING/FAILED")
		s.waitForRows("order_approval_outbox", req.SagaID, "CANCELLING/FAILED")
		final := s.track(order.OrderTrackingID)
		assert.Equal(t, string(kernel.OrderStatusCancelling), final.OrderStatus, "never shown as a clean cancellation")
		assert.Equal(t, []string{"restaurant closed", "refund refused"}, final.FailureMessages)
	})

	t.Run("an unconfirmed refund ends the saga FAILED", func(t *testing.T) {
		s := s.with(t)
		order, req, _, approval := s.paidOrder()
		s.approvalResponse(approval, kernel.OrderApprovalStatusRejected, "restaurant closed")
		_, refund := s.paymentRequest(order.OrderID, kernel.PaymentOrderStatusCancelled)
		resent(t, s.payments, refund.ID)

		s.waitForRows("payment_outbox", req.SagaID, "CANCELLING/FAILED", "CANCELLING/FAILED")
		final := s.track(order.OrderTrackingID)
		assert.Equal(t, string(kernel.OrderStatusCancelling), final.OrderStatus)
		assert.Equal(t, []string{"restaurant closed", application.RefundTimedOutMessage}, final.FailureMessages)
	})
}

// A reply that names another order than its saga is dead-lettered with the
// reason and moves neither order.
func TestReplyNamingAnotherOrderIsDeadLettered(t *testing.T) {
	s := startService(t)
	first, second := s.createOrder(), s.createOrder()
	_, req := s.paymentRequest(first.OrderID, kernel.PaymentOrderStatusPending)
	forged := req
	forged.OrderID = uuid.MustParse(second.OrderID)

	reply := s.paymentResponse(forged, kernel.PaymentStatusCompleted)

	parked := s.waitForDeadLetter(reply.ID)
	assert.Contains(t, parked.Headers[kafka.HeaderDeadLetterReason], "names order "+second.OrderID)
	assert.Equal(t, "PENDING", s.track(first.OrderTrackingID).OrderStatus)
	assert.Equal(t, "PENDING", s.track(second.OrderTrackingID).OrderStatus)
	require.Len(t, s.rows("payment_outbox", req.SagaID), 1)
	assert.Equal(t, "STARTED", s.rows("payment_outbox", req.SagaID)[0].SagaStatus)
}
