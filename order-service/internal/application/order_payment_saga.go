package application

import (
	"context"
	"errors"

	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/logging"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/domain"
)

// OrderPaymentSaga is the saga step that waits for the payment: Process
// handles a COMPLETED payment, Rollback a CANCELLED (refunded) or FAILED one.
// Each call is one transaction; a reply whose rows are no longer in the status
// the step expects was handled before and changes nothing. A reply that
// names another order than the saga's rows is refused (dead-lettered).
type OrderPaymentSaga struct {
	tx             Transactor
	domain         *domain.OrderDomainService
	sagaHelper     *OrderSagaHelper
	paymentOutbox  *PaymentOutboxHelper
	approvalOutbox *ApprovalOutboxHelper
	log            *zap.Logger
}

var (
	_ saga.Step[PaymentResponse]     = (*OrderPaymentSaga)(nil)
	_ PaymentResponseMessageListener = (*OrderPaymentSaga)(nil)
)

// PaymentCompleted implements PaymentResponseMessageListener: the saga moves
// forward (Process).
func (s *OrderPaymentSaga) PaymentCompleted(ctx context.Context, response PaymentResponse) error {
	return s.Process(ctx, response)
}

// PaymentCancelled implements PaymentResponseMessageListener: the saga rolls
// back (Rollback).
func (s *OrderPaymentSaga) PaymentCancelled(ctx context.Context, response PaymentResponse) error {
	return s.Rollback(ctx, response)
}

// NewOrderPaymentSaga returns the step.
func NewOrderPaymentSaga(tx Transactor, svc *domain.OrderDomainService, sagaHelper *OrderSagaHelper,
	paymentOutbox *PaymentOutboxHelper, approvalOutbox *ApprovalOutboxHelper, log *zap.Logger) *OrderPaymentSaga {
	return &OrderPaymentSaga{tx: tx, domain: svc, sagaHelper: sagaHelper, paymentOutbox: paymentOutbox, approvalOutbox: approvalOutbox, log: log}
}

// Process pays the order and asks the restaurant to approve it: the order
// becomes PAID, the payment row PAID/PROCESSING, and an approval row
// PAID/PROCESSING is written.
func (s *OrderPaymentSaga) Process(ctx context.Context, response PaymentResponse) error {
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		rows, order, err := s.rowsAndOrder(ctx, response, saga.StatusStarted)
		if err != nil || order == nil {
			return err
		}
		event, err := s.domain.PayOrder(order)
		if err != nil {
			return err
		}
		if err := s.save(ctx, order, rows); err != nil {
			return err
		}
		if err := s.approvalOutbox.SaveApprovalOutboxMessage(ctx, approvalRequestPayloadFromEvent(event),
			order.Status(), OrderStatusToSagaStatus(order.Status()), outbox.StatusStarted, response.SagaID); err != nil {
			return err
		}
		s.log.Info("order paid", logging.Trace(ctx), zap.Stringer("order_id", order.ID()), zap.Stringer("saga_id", response.SagaID))
		return nil
	})
}

// Rollback handles a payment that did not go through: a FAILED answer to the
// payment request cancels the order; a CANCELLED answer (the refund) ends a
// cancellation, even one whose saga had ended FAILED; a FAILED answer to a
// refund request leaves the saga FAILED (see failRefund).
func (s *OrderPaymentSaga) Rollback(ctx context.Context, response PaymentResponse) error {
	switch response.PaymentStatus {
	case kernel.PaymentStatusFailed:
		return s.tx.Transact(ctx, func(ctx context.Context) error { return s.paymentFailed(ctx, response) })
	case kernel.PaymentStatusCancelled:
		return s.tx.Transact(ctx, func(ctx context.Context) error { return s.paymentRefunded(ctx, response) })
	default:
		return kernel.Errorf(kernel.ECodeInvalid, "payment status %q does not roll an order back", response.PaymentStatus)
	}
}

// paymentFailed reads a FAILED answer by where the saga stands. With the
// order PENDING it is the refused payment. With the order CANCELLING it
// answers either the late payment request of an order that was never paid
// (no money was taken: the order is cancelled) or, when the order was paid
// (its approval row exists), the refund request: the refund was refused.
func (s *OrderPaymentSaga) paymentFailed(ctx context.Context, response PaymentResponse) error {
	rows, order, err := s.rowsAndOrder(ctx, response, saga.StatusStarted, saga.StatusProcessing, saga.StatusCompensating)
	if err != nil || order == nil {
		return err
	}
	if order.Status() == kernel.OrderStatusCancelling {
		approval, err := s.compensatingApproval(ctx, response.SagaID)
		if err != nil {
			return err
		}
		if approval != nil {
			return s.failRefund(ctx, order, response.SagaID, rows, approval, response.FailureMessages)
		}
	}
	if err := s.cancel(ctx, order, rows, response.FailureMessages); err != nil {
		return err
	}
	s.sagaHelper.EndSaga(ctx, order, OrderStatusToSagaStatus(order.Status()), rows)
	s.log.Info("order cancelled; payment failed", logging.Trace(ctx), zap.Stringer("order_id", order.ID()), zap.Stringer("saga_id", response.SagaID),
		zap.Strings("failure_messages", response.FailureMessages))
	return nil
}

// paymentRefunded ends a cancellation once the money is back: the order
// becomes CANCELLED and every row of the saga CANCELLED/COMPENSATED (the
// original left the refund row COMPENSATING). A late answer is reconciled,
// not dropped: a refund confirmed after the saga ended FAILED (an earlier
// answer refused it, and an operator has since made it possible) settles the
// order CANCELLED all the same, since the money is back.
func (s *OrderPaymentSaga) paymentRefunded(ctx context.Context, response PaymentResponse) error {
	rows, order, err := s.rowsAndOrder(ctx, response, saga.StatusProcessing, saga.StatusCompensating, saga.StatusFailed)
	if err != nil || order == nil {
		return err
	}
	reconciled := sagaEnded(rows)
	if err := s.cancel(ctx, order, rows, response.FailureMessages); err != nil {
		return err
	}
	approval, err := s.compensatingApproval(ctx, response.SagaID)
	if err != nil {
		return err
	}
	if approval != nil {
		if err := s.approvalOutbox.UpdateApprovalOutboxMessage(ctx, approval, order.Status(), OrderStatusToSagaStatus(order.Status())); err != nil {
			return err
		}
	}
	s.sagaHelper.EndSaga(ctx, order, OrderStatusToSagaStatus(order.Status()), rows)
	msg := "order cancelled; payment refunded"
	if reconciled {
		msg = "order cancelled; a refund confirmed after the saga had ended FAILED settles it"
	}
	s.log.Info(msg, logging.Trace(ctx), zap.Stringer("order_id", order.ID()), zap.Stringer("saga_id", response.SagaID))
	return nil
}

// sagaEnded reports rows of a saga that had ended FAILED.
func sagaEnded(rows []*PaymentOutboxMessage) bool {
	for _, row := range rows {
		if row.SagaStatus == saga.StatusFailed {
			return true
		}
	}
	return false
}

// CancelUnpaid starts compensating a saga whose payment request was never
// answered: the order becomes CANCELLING and a refund request is written, so
// that a payment taken without its answer arriving is given back, and a
// payment request still on its way is refused by payment-service. It does
// nothing if the payment was answered meanwhile.
func (s *OrderPaymentSaga) CancelUnpaid(ctx context.Context, sagaID kernel.SagaID, reason string) error {
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		rows, err := s.paymentOutbox.PaymentOutboxMessagesBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusStarted)
		if err != nil || len(rows) == 0 {
			return err
		}
		order, err := s.sagaHelper.FindOrder(ctx, rows[0].Payload.OrderID)
		if err != nil {
			return err
		}
		event, err := s.domain.CancelOrderPayment(order, []string{reason})
		if err != nil {
			return err
		}
		if err := s.save(ctx, order, rows); err != nil {
			return err
		}
		if err := s.paymentOutbox.SavePaymentOutboxMessage(ctx, refundRequestPayloadFromEvent(event),
			order.Status(), OrderStatusToSagaStatus(order.Status()), outbox.StatusStarted, sagaID); err != nil {
			return err
		}
		s.log.Warn("payment not answered in time; order cancelling, refund requested", logging.Trace(ctx), zap.Stringer("order_id", order.ID()),
			zap.Stringer("saga_id", sagaID), zap.String("reason", reason))
		return nil
	})
}

// failRefund leaves the order CANCELLING with the reason and every row of the
// saga FAILED: payment-service refused the refund, a fact that contradicts
// the saga (silence never ends a saga FAILED: an unanswered refund is sent
// again until it is answered). The customer's money may still be held, so
// the case is not a clean cancellation and only an operator can close it; a
// refund confirmed later still settles it (see paymentRefunded). approval may
// be nil.
func (s *OrderPaymentSaga) failRefund(ctx context.Context, order *domain.Order, sagaID kernel.SagaID,
	rows []*PaymentOutboxMessage, approval *OrderApprovalOutboxMessage, reasons []string) error {
	if err := s.domain.FailOrderRefund(order, reasons); err != nil {
		return err
	}
	if err := s.sagaHelper.SaveOrder(ctx, order); err != nil {
		return err
	}
	if err := s.paymentOutbox.UpdatePaymentOutboxMessages(ctx, rows, order.Status(), saga.StatusFailed); err != nil {
		return err
	}
	if approval != nil {
		if err := s.approvalOutbox.UpdateApprovalOutboxMessage(ctx, approval, order.Status(), saga.StatusFailed); err != nil {
			return err
		}
	}
	s.sagaHelper.EndSaga(ctx, order, saga.StatusFailed, rows)
	s.log.Error("refund refused; saga FAILED, an operator must settle the order", logging.Trace(ctx), zap.Stringer("order_id", order.ID()),
		zap.Stringer("saga_id", sagaID), zap.Stringer("customer_id", order.CustomerID()), zap.Strings("failure_messages", reasons))
	return nil
}

// rowsAndOrder returns the saga's payment rows in one of statuses and the
// order the reply is about, after checking that the reply names the rows'
// order. Finding no rows means the reply was handled before: it returns no
// order and no error, and the caller changes nothing.
func (s *OrderPaymentSaga) rowsAndOrder(ctx context.Context, response PaymentResponse, statuses ...saga.Status) ([]*PaymentOutboxMessage, *domain.Order, error) {
	rows, err := s.paymentOutbox.PaymentOutboxMessagesBySagaIDAndSagaStatus(ctx, response.SagaID, statuses...)
	if err != nil {
		return nil, nil, err
	}
	if len(rows) == 0 {
		msg := "payment outbox message already rolled back"
		if response.PaymentStatus == kernel.PaymentStatusCompleted {
			msg = "payment outbox message already processed"
		}
		s.log.Debug(msg, zap.Stringer("saga_id", response.SagaID), zap.String("payment_status", string(response.PaymentStatus)))
		return nil, nil, nil
	}
	order, err := s.sagaHelper.FindReplyOrder(ctx, response.SagaID, response.OrderID, rows[0].Payload.OrderID)
	if err != nil {
		return nil, nil, err
	}
	return rows, order, nil
}

// compensatingApproval returns the saga's approval row if the restaurant's
// rejection (or silence) is being compensated, or its compensation ended
// FAILED. It is nil, without error, for an order cancelled before it was
// paid: such an order has no approval row.
func (s *OrderPaymentSaga) compensatingApproval(ctx context.Context, sagaID kernel.SagaID) (*OrderApprovalOutboxMessage, error) {
	approval, err := s.approvalOutbox.ApprovalOutboxMessageBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusCompensating, saga.StatusFailed)
	if errors.Is(err, kernel.ErrNotFound) {
		return nil, nil
	}
	return approval, err
}

// cancel cancels the order with the reply's failure messages and saves it
// with the saga's payment rows.
func (s *OrderPaymentSaga) cancel(ctx context.Context, order *domain.Order, rows []*PaymentOutboxMessage, failureMessages []string) error {
	if err := s.domain.CancelOrder(order, failureMessages); err != nil {
		return err
	}
	return s.save(ctx, order, rows)
}

// save stores the order's new status and puts the saga's payment rows where
// the order now stands.
func (s *OrderPaymentSaga) save(ctx context.Context, order *domain.Order, rows []*PaymentOutboxMessage) error {
	if err := s.sagaHelper.SaveOrder(ctx, order); err != nil {
		return err
	}
	return s.paymentOutbox.UpdatePaymentOutboxMessages(ctx, rows, order.Status(), OrderStatusToSagaStatus(order.Status()))
}
