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

// OrderApprovalSaga is the saga step that waits for the restaurant: Process
// handles an APPROVED order, Rollback a REJECTED one, and CancelUnapproved a
// restaurant that never answered. Each call is one transaction; a reply whose
// row is no longer PROCESSING was handled before and changes nothing, except
// an approval that comes after the order was cancelled: the restaurant is
// then told of the cancellation. A reply that names another order than the
// saga's row is refused (dead-lettered).
type OrderApprovalSaga struct {
	tx             Transactor
	domain         *domain.OrderDomainService
	sagaHelper     *OrderSagaHelper
	paymentOutbox  *PaymentOutboxHelper
	approvalOutbox *ApprovalOutboxHelper
	log            *zap.Logger
}

var (
	_ saga.Step[RestaurantApprovalResponse]     = (*OrderApprovalSaga)(nil)
	_ RestaurantApprovalResponseMessageListener = (*OrderApprovalSaga)(nil)
)

// OrderApproved implements RestaurantApprovalResponseMessageListener: the
// saga moves forward (Process).
func (s *OrderApprovalSaga) OrderApproved(ctx context.Context, response RestaurantApprovalResponse) error {
	return s.Process(ctx, response)
}

// OrderRejected implements RestaurantApprovalResponseMessageListener: the
// saga rolls back (Rollback).
func (s *OrderApprovalSaga) OrderRejected(ctx context.Context, response RestaurantApprovalResponse) error {
	return s.Rollback(ctx, response)
}

// NewOrderApprovalSaga returns the step.
func NewOrderApprovalSaga(tx Transactor, svc *domain.OrderDomainService, sagaHelper *OrderSagaHelper,
	paymentOutbox *PaymentOutboxHelper, approvalOutbox *ApprovalOutboxHelper, log *zap.Logger) *OrderApprovalSaga {
	return &OrderApprovalSaga{tx: tx, domain: svc, sagaHelper: sagaHelper, paymentOutbox: paymentOutbox, approvalOutbox: approvalOutbox, log: log}
}

// Process approves the order and ends the saga: the order becomes APPROVED,
// the approval and payment rows APPROVED/SUCCEEDED.
func (s *OrderApprovalSaga) Process(ctx context.Context, response RestaurantApprovalResponse) error {
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		row, order, err := s.rowAndOrder(ctx, response)
		if err != nil {
			return err
		}
		if order == nil {
			return s.lateApproval(ctx, response)
		}
		if err := s.domain.ApproveOrder(order); err != nil {
			return err
		}
		if err := s.save(ctx, order, row); err != nil {
			return err
		}
		payments, err := s.paymentOutbox.PaymentOutboxMessagesBySagaIDAndSagaStatus(ctx, response.SagaID, saga.StatusProcessing)
		if err != nil {
			return err
		}
		if len(payments) == 0 {
			return kernel.Errorf(kernel.ECodeInvalid, "Payment outbox message cannot be found in %s state", saga.StatusProcessing)
		}
		if err := s.paymentOutbox.UpdatePaymentOutboxMessages(ctx, payments, order.Status(), OrderStatusToSagaStatus(order.Status())); err != nil {
			return err
		}
		s.sagaHelper.EndSaga(ctx, order, OrderStatusToSagaStatus(order.Status()), payments)
		s.log.Info("order approved", logging.Trace(ctx), zap.Stringer("order_id", order.ID()), zap.Stringer("saga_id", response.SagaID))
		return nil
	})
}

// Rollback starts compensating an order the restaurant rejected: the order
// becomes CANCELLING, the approval row CANCELLING/COMPENSATING, and a refund
// request (a second payment row, CANCELLING/COMPENSATING) is written.
func (s *OrderApprovalSaga) Rollback(ctx context.Context, response RestaurantApprovalResponse) error {
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		row, order, err := s.rowAndOrder(ctx, response)
		if err != nil || order == nil {
			return err
		}
		event, err := s.domain.CancelOrderPayment(order, response.FailureMessages)
		if err != nil {
			return err
		}
		if err := s.save(ctx, order, row); err != nil {
			return err
		}
		if err := s.paymentOutbox.SavePaymentOutboxMessage(ctx, refundRequestPayloadFromEvent(event),
			order.Status(), OrderStatusToSagaStatus(order.Status()), outbox.StatusStarted, response.SagaID); err != nil {
			return err
		}
		s.log.Info("order cancelling; refund requested", logging.Trace(ctx), zap.Stringer("order_id", order.ID()),
			zap.Stringer("saga_id", response.SagaID), zap.Strings("failure_messages", response.FailureMessages))
		return nil
	})
}

// CancelUnapproved compensates a saga whose approval request the restaurant
// never answered, as a rejection would (the order becomes CANCELLING and a
// refund is requested), and tells the restaurant of the cancellation, since
// it may yet approve the order. It does nothing if the restaurant answered
// meanwhile.
func (s *OrderApprovalSaga) CancelUnapproved(ctx context.Context, sagaID kernel.SagaID, reason string) error {
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		row, err := s.approvalOutbox.ApprovalOutboxMessageBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusProcessing)
		if errors.Is(err, kernel.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		order, err := s.sagaHelper.FindOrder(ctx, row.Payload.OrderID)
		if err != nil {
			return err
		}
		event, err := s.domain.CancelOrderPayment(order, []string{reason})
		if err != nil {
			return err
		}
		if err := s.save(ctx, order, row); err != nil {
			return err
		}
		if err := s.paymentOutbox.SavePaymentOutboxMessage(ctx, refundRequestPayloadFromEvent(event),
			order.Status(), OrderStatusToSagaStatus(order.Status()), outbox.StatusStarted, sagaID); err != nil {
			return err
		}
		if _, err := s.approvalOutbox.TellRestaurantOfCancellation(ctx, restaurantCancellationPayloadFromApproval(row, event), order.Status(), sagaID); err != nil {
			return err
		}
		s.log.Warn("restaurant approval not answered in time; order cancelling, refund requested, restaurant told",
			logging.Trace(ctx), zap.Stringer("order_id", order.ID()), zap.Stringer("saga_id", sagaID), zap.String("reason", reason))
		return nil
	})
}

// lateApproval handles an approval whose request the saga no longer waits
// for. If the order was cancelled after the request went out (the saga
// stopped waiting), the restaurant holds an approval of an order that will
// not come: it is told of the cancellation, once. Otherwise the approval was
// handled before and nothing changes.
func (s *OrderApprovalSaga) lateApproval(ctx context.Context, response RestaurantApprovalResponse) error {
	if response.OrderApprovalStatus != kernel.OrderApprovalStatusApproved {
		return nil
	}
	row, err := s.approvalOutbox.ApprovalOutboxMessageBySagaIDAndSagaStatus(ctx, response.SagaID,
		saga.StatusCompensating, saga.StatusCompensated, saga.StatusFailed)
	if errors.Is(err, kernel.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	order, err := s.sagaHelper.FindReplyOrder(ctx, response.SagaID, response.OrderID, row.Payload.OrderID)
	if err != nil {
		return err
	}
	event, err := s.domain.RefuseLateApproval(order)
	if err != nil {
		return err
	}
	written, err := s.approvalOutbox.TellRestaurantOfCancellation(ctx, restaurantCancellationPayloadFromApproval(row, event), order.Status(), response.SagaID)
	if err != nil || !written {
		return err
	}
	s.log.Info("restaurant approved an order already cancelled; restaurant told of the cancellation", logging.Trace(ctx),
		zap.Stringer("order_id", order.ID()), zap.Stringer("saga_id", response.SagaID), zap.String("order_status", string(order.Status())))
	return nil
}

// rowAndOrder returns the saga's approval row, if it still waits for the
// restaurant (PROCESSING), and the order the reply is about, after checking
// that the reply names the row's order. No such row means the reply was
// handled before: it returns no order and no error, and the caller changes
// nothing.
func (s *OrderApprovalSaga) rowAndOrder(ctx context.Context, response RestaurantApprovalResponse) (*OrderApprovalOutboxMessage, *domain.Order, error) {
	row, err := s.approvalOutbox.ApprovalOutboxMessageBySagaIDAndSagaStatus(ctx, response.SagaID, saga.StatusProcessing)
	if errors.Is(err, kernel.ErrNotFound) {
		msg := "approval outbox message already rolled back"
		if response.OrderApprovalStatus == kernel.OrderApprovalStatusApproved {
			msg = "approval outbox message already processed"
		}
		s.log.Debug(msg, zap.Stringer("saga_id", response.SagaID), zap.String("approval_status", string(response.OrderApprovalStatus)))
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	order, err := s.sagaHelper.FindReplyOrder(ctx, response.SagaID, response.OrderID, row.Payload.OrderID)
	if err != nil {
		return nil, nil, err
	}
	return row, order, nil
}

// save stores the order's new status and puts the approval row where the
// order now stands.
func (s *OrderApprovalSaga) save(ctx context.Context, order *domain.Order, row *OrderApprovalOutboxMessage) error {
	if err := s.sagaHelper.SaveOrder(ctx, order); err != nil {
		return err
	}
	return s.approvalOutbox.UpdateApprovalOutboxMessage(ctx, row, order.Status(), OrderStatusToSagaStatus(order.Status()))
}
