package application

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/saga"
	"github.com/food-ordering-system/order-service/internal/domain"
)

// OrderPaymentSaga is the saga step that waits for the payment: Process
// handles a COMPLETED payment, Rollback a CANCELLED (refunded) or FAILED one.
// Each call is one transaction; a reply whose rows are no longer in the status
// the step expects was handled before and changes nothing.
type OrderPaymentSaga struct {
	tx             Transactor
	domain         *domain.OrderDomainService
	sagaHelper     *OrderSagaHelper
	paymentOutbox  *PaymentOutboxHelper
	approvalOutbox *ApprovalOutboxHelper
	log            *zap.Logger
}

var _ saga.Step[PaymentResponse] = (*OrderPaymentSaga)(nil)

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
		rows, err := s.paymentOutbox.PaymentOutboxMessagesBySagaIDAndSagaStatus(ctx, response.SagaID, saga.StatusStarted)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			s.log.Info("payment outbox message already processed", zap.Stringer("saga_id", response.SagaID))
			return nil
		}
		order, err := s.sagaHelper.FindOrder(ctx, response.OrderID)
		if err != nil {
			return err
		}
		event, err := s.domain.PayOrder(order)
		if err != nil {
			return err
		}
		if err := s.sagaHelper.SaveOrder(ctx, order); err != nil {
			return err
		}
		sagaStatus := OrderStatusToSagaStatus(order.Status())
		for _, row := range rows {
			if err := s.paymentOutbox.UpdatePaymentOutboxMessage(ctx, row, order.Status(), sagaStatus); err != nil {
				return err
			}
		}
		if err := s.approvalOutbox.SaveApprovalOutboxMessage(ctx, approvalRequestPayload(event),
			order.Status(), sagaStatus, outbox.StatusStarted, response.SagaID); err != nil {
			return err
		}
		s.log.Info("order paid", zap.Stringer("order_id", order.ID()), zap.Stringer("saga_id", response.SagaID))
		return nil
	})
}

// Rollback cancels the order after its payment failed (FAILED) or was
// refunded (CANCELLED). Every payment row of the saga still in play becomes
// CANCELLED/COMPENSATED (the original left the refund row COMPENSATING), and
// after a refund the approval row too.
func (s *OrderPaymentSaga) Rollback(ctx context.Context, response PaymentResponse) error {
	statuses, err := rollbackSagaStatuses(response.PaymentStatus)
	if err != nil {
		return err
	}
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		rows, err := s.paymentOutbox.PaymentOutboxMessagesBySagaIDAndSagaStatus(ctx, response.SagaID, statuses...)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			s.log.Info("payment outbox message already rolled back", zap.Stringer("saga_id", response.SagaID))
			return nil
		}
		order, err := s.sagaHelper.FindOrder(ctx, response.OrderID)
		if err != nil {
			return err
		}
		if err := s.domain.CancelOrder(order, response.FailureMessages); err != nil {
			return err
		}
		if err := s.sagaHelper.SaveOrder(ctx, order); err != nil {
			return err
		}
		sagaStatus := OrderStatusToSagaStatus(order.Status())
		for _, row := range rows {
			if err := s.paymentOutbox.UpdatePaymentOutboxMessage(ctx, row, order.Status(), sagaStatus); err != nil {
				return err
			}
		}
		if response.PaymentStatus == kernel.PaymentStatusCancelled {
			if err := s.compensateApproval(ctx, response.SagaID, order.Status(), sagaStatus); err != nil {
				return err
			}
		}
		s.log.Info("order cancelled", zap.Stringer("order_id", order.ID()), zap.Stringer("saga_id", response.SagaID),
			zap.String("payment_status", string(response.PaymentStatus)))
		return nil
	})
}

func (s *OrderPaymentSaga) compensateApproval(ctx context.Context, sagaID kernel.SagaID, orderStatus kernel.OrderStatus, sagaStatus saga.Status) error {
	row, err := s.approvalOutbox.ApprovalOutboxMessageBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusCompensating)
	if err != nil {
		if isNotFound(err) {
			return kernel.WrapError(kernel.ECodeInvalid, err,
				fmt.Sprintf("Approval outbox message could not be found in %s status!", saga.StatusCompensating))
		}
		return err
	}
	return s.approvalOutbox.UpdateApprovalOutboxMessage(ctx, row, orderStatus, sagaStatus)
}

// rollbackSagaStatuses are the saga statuses of the payment rows a
// cancelling reply concerns: a failed payment or refund finds its rows
// STARTED or PROCESSING; a refund (CANCELLED) finds the paid row PROCESSING
// and the refund row COMPENSATING.
func rollbackSagaStatuses(status kernel.PaymentStatus) ([]saga.Status, error) {
	switch status {
	case kernel.PaymentStatusFailed:
		return []saga.Status{saga.StatusStarted, saga.StatusProcessing}, nil
	case kernel.PaymentStatusCancelled:
		return []saga.Status{saga.StatusProcessing, saga.StatusCompensating}, nil
	default:
		return nil, kernel.Errorf(kernel.ECodeInvalid, "payment status %q does not roll an order back", status)
	}
}
