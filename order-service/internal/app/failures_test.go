package app

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/config"
)

// shortDeadlines makes a saga act about two seconds after its request went
// out: one resend after a second, compensation a second later; an
// unanswered refund is sent again every second or two.
func shortDeadlines(cfg *config.Config) {
	cfg.Saga = application.SagaDeadlineConfig{ReplyTimeout: time.Second, MaxResends: 1, CheckInterval: 100 * time.Millisecond,
		MaxResendInterval: 2 * time.Second}
}

// resent waits until the request with the given message id was published
// twice: the original and the deadline's resend under the same id.
func resent(t *testing.T, r *recorder, messageID uuid.UUID) {
	t.Helper()
	sentTimes(t, r, messageID, 2)
}

// sentTimes waits until the request with the given message id was published
// n times.
func sentTimes(t *testing.T, r *recorder, messageID uuid.UUID, n int) {
	t.Helper()
	require.Eventually(t, func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		sent := 0
		for _, rec := range r.records {
			if rec.Headers[kafka.HeaderMessageID] == messageID.String() {
				sent++
			}
		}
		return sent >= n
	}, wait, tick, "message %s is published %d times", messageID, n)
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

	t.Run("an unanswered approval is requested again, then compensated with a refund and the restaurant told", func(t *testing.T) {
		s := s.with(t)
		order, req, rec, approval := s.paidOrder()
		resent(t, s.approvals, uuid.MustParse(rec.Headers[kafka.HeaderMessageID]))

		cancelling := s.waitForOrderStatus(order, kernel.OrderStatusCancelling)
		assert.Equal(t, []string{application.ApprovalTimedOutMessage}, cancelling.FailureMessages)
		_, refund := s.paymentRequest(order.OrderID, kernel.PaymentOrderStatusCancelled)
		// The restaurant may yet approve: it is told of the cancellation.
		cancelRec, cancellation := s.restaurantRequest(order.OrderID, kernel.RestaurantOrderStatusCancelled)
		assert.Equal(t, approval.SagaID, cancellation.SagaID)
		assert.Equal(t, approval.RestaurantID, cancellation.RestaurantID)
		assert.Equal(t, approval.Products, cancellation.Products)
		assert.NotEqual(t, rec.Headers[kafka.HeaderMessageID], cancelRec.Headers[kafka.HeaderMessageID])

		// Its approval comes too late: the order stays cancelling, and the
		// restaurant, told once already, is not told again.
		s.approvalResponse(approval, kernel.OrderApprovalStatusApproved)
		s.paymentResponse(refund, kernel.PaymentStatusCancelled)
		s.waitForOrderStatus(order, kernel.OrderStatusCancelled)
		s.waitForRows("payment_outbox", req.SagaID, "CANCELLED/COMPENSATED", "CANCELLED/COMPENSATED")
		s.waitForRows("order_approval_outbox", req.SagaID, "CANCELLED/COMPENSATED", "CANCELLING/COMPENSATING")
		cancellations := matching(s.approvals, func(_ *kafka.Received, m contract.RestaurantApprovalRequest) bool {
			return m.SagaID == approval.SagaID && m.RestaurantOrderStatus == kernel.RestaurantOrderStatusCancelled
		})
		assert.Len(t, cancellations, 1)
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

	t.Run("a refund confirmed after the saga ended FAILED settles the order CANCELLED", func(t *testing.T) {
		s := s.with(t)
		order, req, _, approval := s.paidOrder()
		s.approvalResponse(approval, kernel.OrderApprovalStatusRejected, "restaurant closed")
		_, refund := s.paymentRequest(order.OrderID, kernel.PaymentOrderStatusCancelled)
		s.paymentResponse(refund, kernel.PaymentStatusFailed, "refund refused")
		s.waitForRows("payment_outbox", req.SagaID, "CANCELLING/FAILED", "CANCELLING/FAILED")

		// An operator made the refund possible and it went through: the money
		// is back, and the order must say so.
		s.paymentResponse(refund, kernel.PaymentStatusCancelled)
		final := s.waitForOrderStatus(order, kernel.OrderStatusCancelled)
		assert.Equal(t, []string{"restaurant closed", "refund refused"}, final.FailureMessages)
		s.waitForRows("payment_outbox", req.SagaID, "CANCELLED/COMPENSATED", "CANCELLED/COMPENSATED")
		s.waitForRows("order_approval_outbox", req.SagaID, "CANCELLED/COMPENSATED")
	})

	t.Run("an unconfirmed refund is sent again until it is answered, and never ends the saga", func(t *testing.T) {
		s := s.with(t)
		order, req, _, approval := s.paidOrder()
		s.approvalResponse(approval, kernel.OrderApprovalStatusRejected, "restaurant closed")
		_, refund := s.paymentRequest(order.OrderID, kernel.PaymentOrderStatusCancelled)
		sentTimes(t, s.payments, refund.ID, 3) // past max_resends (1)

		rows := s.rows("payment_outbox", req.SagaID)
		require.Len(t, rows, 2)
		assert.Equal(t, "PAID/PROCESSING", rows[0].OrderStatus+"/"+rows[0].SagaStatus)
		assert.Equal(t, "CANCELLING/COMPENSATING", rows[1].OrderStatus+"/"+rows[1].SagaStatus, "silence never ends the saga")
		assert.Equal(t, []string{"restaurant closed"}, s.track(order.OrderTrackingID).FailureMessages)

		s.paymentResponse(refund, kernel.PaymentStatusCancelled)
		s.waitForOrderStatus(order, kernel.OrderStatusCancelled)
		s.waitForRows("payment_outbox", req.SagaID, "CANCELLED/COMPENSATED", "CANCELLED/COMPENSATED")
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
