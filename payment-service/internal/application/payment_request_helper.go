package application

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

// PaymentRequestHelper persists the decision on a payment request together
// with its answer in the order outbox, in one transaction.
//
// It is idempotent: a request whose saga was already answered changes
// nothing, whether it is found answered up front or a unique index refuses
// the second payment or answer of a concurrent duplicate. It is race-free:
// the customer's credit entry is locked before it is read, so concurrent
// payments of one customer run one after the other and never overdraw it.
type PaymentRequestHelper struct {
	domain   *domain.PaymentDomainService
	payments PaymentRepository
	credits  CreditEntryRepository
	history  CreditHistoryRepository
	outbox   *OrderOutboxHelper
	tx       Transactor
	log      *zap.Logger
}

// NewPaymentRequestHelper wires the helper to its ports.
func NewPaymentRequestHelper(ds *domain.PaymentDomainService, payments PaymentRepository, credits CreditEntryRepository,
	history CreditHistoryRepository, outboxHelper *OrderOutboxHelper, tx Transactor, log *zap.Logger) *PaymentRequestHelper {
	return &PaymentRequestHelper{domain: ds, payments: payments, credits: credits, history: history,
		outbox: outboxHelper, tx: tx, log: log}
}

// PersistPayment decides on a PENDING request: the payment is saved
// COMPLETED or FAILED, the credit entry is debited with a DEBIT history entry
// only when it completed, and the answer is written to the order outbox.
func (h *PaymentRequestHelper) PersistPayment(ctx context.Context, req PaymentRequest) error {
	payment, err := domain.NewPayment(req.OrderID, req.CustomerID, req.Price)
	if err != nil {
		return err
	}
	var event domain.PaymentEvent
	answered := false
	err = h.tx.Transact(ctx, func(ctx context.Context) error {
		credit, err := h.credits.FindByCustomerIDForUpdate(ctx, req.CustomerID)
		if errors.Is(err, ErrNotFound) {
			return kernel.WrapError(kernel.ECodeNotFound, err,
				fmt.Sprintf("Could not find credit entry for customer: %s", req.CustomerID))
		}
		if err != nil {
			return fmt.Errorf("lock credit entry of customer %s: %w", req.CustomerID, err)
		}
		// Looked up under the lock: a duplicate that waited for it sees the
		// answer its twin just committed.
		if answered, err = h.outbox.Answered(ctx, req.SagaID, kernel.PaymentOrderStatusPending); err != nil || answered {
			return err
		}
		history, err := h.history.FindByCustomerID(ctx, req.CustomerID)
		if err != nil {
			return fmt.Errorf("load credit history of customer %s: %w", req.CustomerID, err)
		}
		var debit *domain.CreditHistory
		event, debit = h.domain.ValidateAndInitiatePayment(payment, credit, history)
		if err := h.payments.Save(ctx, payment); err != nil {
			return fmt.Errorf("save payment of order %s: %w", req.OrderID, err)
		}
		if debit != nil {
			if err := h.saveMovement(ctx, credit, *debit); err != nil {
				return err
			}
		}
		return h.outbox.SaveOrderOutboxMessage(ctx, orderEventPayloadOf(event), kernel.PaymentOrderStatusPending, req.SagaID)
	})
	if answered || errors.Is(err, ErrDuplicate) {
		// ErrDuplicate: a unique index refused the second payment, because a
		// concurrent delivery won or the first answer was already cleaned from
		// the outbox. Either way the request has its answer.
		h.log.Info("payment request already answered; nothing to do",
			zap.Stringer("sagaId", req.SagaID), zap.Stringer("orderId", req.OrderID), zap.Bool("refusedByUniqueIndex", err != nil))
		h.log.Debug("duplicate payment refused", zap.Error(err))
		return nil
	}
	if err != nil {
		return err
	}
	h.log.Info("payment decided", zap.Stringer("orderId", req.OrderID), zap.Stringer("paymentId", payment.ID()),
		zap.String("status", string(event.PaymentStatus())), zap.Strings("failureMessages", event.FailureMessages()))
	return nil
}

// PersistCancelPayment decides on a CANCELLED request: the order's payment is
// cancelled, its price credited back with a CREDIT history entry, and the
// answer is written to the order outbox. A payment that was not COMPLETED is
// refused with a FAILED answer and nothing changes. An order without payment
// is a kernel not-found error: the request can never succeed.
func (h *PaymentRequestHelper) PersistCancelPayment(ctx context.Context, req PaymentRequest) error {
	var event domain.PaymentEvent
	answered := false
	err := h.tx.Transact(ctx, func(ctx context.Context) error {
		payment, err := h.payments.FindByOrderIDForUpdate(ctx, req.OrderID)
		if errors.Is(err, ErrNotFound) {
			return kernel.WrapError(kernel.ECodeNotFound, err,
				fmt.Sprintf("Payment with order id: %s could not be found!", req.OrderID))
		}
		if err != nil {
			return fmt.Errorf("lock payment of order %s: %w", req.OrderID, err)
		}
		if answered, err = h.outbox.Answered(ctx, req.SagaID, kernel.PaymentOrderStatusCancelled); err != nil || answered {
			return err
		}
		// A refunded payment stays refunded even once the cleaner has removed
		// the answer that said so.
		if answered = payment.Status() == kernel.PaymentStatusCancelled; answered {
			return nil
		}
		credit, err := h.credits.FindByCustomerIDForUpdate(ctx, payment.CustomerID())
		if err != nil {
			return fmt.Errorf("lock credit entry of customer %s: %w", payment.CustomerID(), err)
		}
		var refund *domain.CreditHistory
		event, refund = h.domain.ValidateAndCancelPayment(payment, credit)
		if refund != nil {
			if err := h.payments.Save(ctx, payment); err != nil {
				return fmt.Errorf("save payment of order %s: %w", req.OrderID, err)
			}
			if err := h.saveMovement(ctx, credit, *refund); err != nil {
				return err
			}
		}
		return h.outbox.SaveOrderOutboxMessage(ctx, orderEventPayloadOf(event), kernel.PaymentOrderStatusCancelled, req.SagaID)
	})
	if answered || errors.Is(err, ErrDuplicate) {
		h.log.Info("payment cancel request already answered; nothing to do",
			zap.Stringer("sagaId", req.SagaID), zap.Stringer("orderId", req.OrderID), zap.Bool("refusedByUniqueIndex", err != nil))
		return nil
	}
	if err != nil {
		return err
	}
	h.log.Info("payment cancellation decided", zap.Stringer("orderId", req.OrderID),
		zap.String("status", string(event.PaymentStatus())), zap.Strings("failureMessages", event.FailureMessages()))
	return nil
}

// saveMovement stores the credit entry's new total and the history entry
// that explains it.
func (h *PaymentRequestHelper) saveMovement(ctx context.Context, credit *domain.CreditEntry, entry domain.CreditHistory) error {
	if err := h.credits.Save(ctx, credit); err != nil {
		return fmt.Errorf("save credit entry of customer %s: %w", credit.CustomerID(), err)
	}
	if err := h.history.Save(ctx, entry); err != nil {
		return fmt.Errorf("save credit history of customer %s: %w", entry.CustomerID(), err)
	}
	return nil
}
