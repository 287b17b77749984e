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
// both use cases lock the customer's credit entry first and the order's
// payment second, so concurrent payments of one customer run one after the
// other and never overdraw it, a payment and its cancellation never pass
// each other unseen, and the two locks are never taken in opposite orders.
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
// only when it completed, and the answer is written to the order outbox. A
// customer without a credit entry is a FAILED payment like any other: a
// business dead end is an answer, not a dead letter.
//
// A request for an order whose payment was cancelled before the request
// arrived (a refund that overtook it) is refused and not answered: nothing
// is charged, and order-service, which sent the refund, no longer waits for
// this answer. Only a request without saga or order id, which no answer could
// name, is an error with code kernel.ECodeInvalid.
func (h *PaymentRequestHelper) PersistPayment(ctx context.Context, req PaymentRequest) error {
	if err := requireAnswerable(req); err != nil {
		return err
	}
	payment, err := domain.NewPayment(req.OrderID, req.CustomerID, req.Price)
	if errors.Is(err, domain.ErrPaymentWithoutCustomer) {
		return h.rejectWithoutCustomer(ctx, req, kernel.PaymentOrderStatusPending)
	}
	if err != nil {
		return err
	}
	log := h.log.With(zap.Stringer("saga_id", req.SagaID), zap.Stringer("order_id", req.OrderID),
		zap.Stringer("customer_id", req.CustomerID))
	var (
		event  domain.PaymentEvent
		result outcome
	)
	err = h.tx.Transact(ctx, func(ctx context.Context) error {
		credit, err := h.lockCreditEntry(ctx, req.CustomerID)
		if err != nil {
			return err
		}
		// Looked up under the lock: a duplicate that waited for it sees the
		// answer its twin just committed.
		if answered, err := h.outbox.Answered(ctx, req.SagaID, kernel.PaymentOrderStatusPending); err != nil || answered {
			result = outcomeAnswered
			return err
		}
		// Also under the lock, which a cancellation of this order takes too
		// before it records itself: the cancellation is found here, or it
		// finds this payment.
		existing, err := h.findPayment(ctx, req.OrderID)
		if err != nil {
			return err
		}
		if existing != nil {
			// CANCELLED: a refund overtook this request (or refunded it and
			// the answer to this duplicate was cleaned). Anything else: a
			// duplicate whose answer was cleaned from the outbox.
			result = outcomeAnswered
			if existing.Status() == kernel.PaymentStatusCancelled {
				result = outcomeRefusedAfterCancellation
			}
			return nil
		}
		var history []*domain.CreditHistory
		if credit != nil {
			if history, err = h.history.FindByCustomerID(ctx, req.CustomerID); err != nil {
				return fmt.Errorf("load credit history of customer %s: %w", req.CustomerID, err)
			}
		}
		var debit *domain.CreditHistory
		event, debit = h.domain.ValidateAndInitiatePayment(payment, credit, history)
		if err := h.payments.Save(ctx, payment); err != nil {
			return fmt.Errorf("save payment of order %s: %w", req.OrderID, err)
		}
		if debit != nil {
			if err := h.saveMovement(ctx, credit, debit); err != nil {
				return err
			}
		}
		result = outcomeDecided
		return h.outbox.SaveOrderOutboxMessage(ctx, orderEventPayloadOf(event), kernel.PaymentOrderStatusPending, req.SagaID)
	})
	switch {
	case errors.Is(err, ErrDuplicate):
		// A unique index refused the second payment or answer: a concurrent
		// delivery, or a concurrent cancellation of a customer without credit
		// entry to serialise on, committed first. Nothing was charged here.
		log.Info("payment request already answered or cancelled; refused by a unique index")
		log.Debug("duplicate payment refused", zap.Error(err))
		return nil
	case err != nil:
		return err
	case result == outcomeAnswered:
		log.Info("payment request already answered; nothing to do")
		return nil
	case result == outcomeRefusedAfterCancellation:
		log.Info("payment request for the order arrives after its cancellation; refused, nothing charged")
		return nil
	}
	logDecision(log, "payment decided", event)
	return nil
}

// PersistCancelPayment decides on a CANCELLED request, the compensation of a
// payment, and writes the answer to the order outbox:
//
//   - a COMPLETED payment is refunded: its price is credited back with a
//     CREDIT history entry, and the payment becomes CANCELLED;
//   - a FAILED payment took nothing: it becomes CANCELLED, no money moves;
//   - an order without payment gets a CANCELLED payment of the request's
//     customer and price, with no money moved: the refund overtook the
//     payment request, and the request, when it comes, finds the
//     cancellation and is refused instead of charging.
//
// Each is answered CANCELLED. A payment already CANCELLED means the request
// was answered; a refund that cannot be given (the paying customer has no
// credit entry) is answered FAILED, for an operator to see in the saga.
func (h *PaymentRequestHelper) PersistCancelPayment(ctx context.Context, req PaymentRequest) error {
	if err := requireAnswerable(req); err != nil {
		return err
	}
	cancellation, err := domain.NewPayment(req.OrderID, req.CustomerID, req.Price)
	if errors.Is(err, domain.ErrPaymentWithoutCustomer) {
		return h.rejectWithoutCustomer(ctx, req, kernel.PaymentOrderStatusCancelled)
	}
	if err != nil {
		return err
	}
	log := h.log.With(zap.Stringer("saga_id", req.SagaID), zap.Stringer("order_id", req.OrderID),
		zap.Stringer("customer_id", req.CustomerID))
	var (
		event  domain.PaymentEvent
		result outcome
	)
	err = h.tx.Transact(ctx, func(ctx context.Context) error {
		// The credit entry first, then the payment, in the order
		// PersistPayment takes them: a payment of this order being taken now
		// has either committed (and is found below) or waits, and then finds
		// the cancellation recorded here.
		credit, err := h.lockCreditEntry(ctx, req.CustomerID)
		if err != nil {
			return err
		}
		payment, err := h.findPayment(ctx, req.OrderID)
		if err != nil {
			return err
		}
		if answered, err := h.outbox.Answered(ctx, req.SagaID, kernel.PaymentOrderStatusCancelled); err != nil || answered {
			result = outcomeAnswered
			return err
		}
		if payment == nil {
			event = h.domain.CancelBeforePayment(cancellation)
			if err := h.payments.Save(ctx, cancellation); errors.Is(err, ErrDuplicate) {
				// Only possible without a credit entry to serialise on: a
				// payment of the order committed since the lookup. Run again,
				// the request finds and cancels it.
				return kernel.Errorf(kernel.ECodeConflict, "payment of order %s was saved while its cancellation was recorded", req.OrderID)
			} else if err != nil {
				return fmt.Errorf("save cancellation of order %s: %w", req.OrderID, err)
			}
			result = outcomeCancelledBeforePayment
			return h.outbox.SaveOrderOutboxMessage(ctx, orderEventPayloadOf(event), kernel.PaymentOrderStatusCancelled, req.SagaID)
		}
		// A cancelled payment stays cancelled even once the cleaner has
		// removed the answer that said so.
		if payment.Status() == kernel.PaymentStatusCancelled {
			result = outcomeAnswered
			return nil
		}
		if payment.CustomerID() != req.CustomerID {
			// The refund goes to the customer who paid. Locking that entry
			// after the payment leaves the usual order, which only a request
			// contradicting the stored payment does.
			if credit, err = h.lockCreditEntry(ctx, payment.CustomerID()); err != nil {
				return err
			}
		}
		var refund *domain.CreditHistory
		event, refund = h.domain.ValidateAndCancelPayment(payment, credit)
		if event.PaymentStatus() == kernel.PaymentStatusCancelled {
			if err := h.payments.Save(ctx, payment); err != nil {
				return fmt.Errorf("save payment of order %s: %w", req.OrderID, err)
			}
		}
		if refund != nil {
			if err := h.saveMovement(ctx, credit, refund); err != nil {
				return err
			}
		}
		result = outcomeDecided
		return h.outbox.SaveOrderOutboxMessage(ctx, orderEventPayloadOf(event), kernel.PaymentOrderStatusCancelled, req.SagaID)
	})
	switch {
	case errors.Is(err, ErrDuplicate):
		log.Info("payment cancel request already answered; refused by a unique index")
		log.Debug("duplicate cancellation refused", zap.Error(err))
		return nil
	case err != nil:
		return err
	case result == outcomeAnswered:
		log.Info("payment cancel request already answered; nothing to do")
		return nil
	case result == outcomeCancelledBeforePayment:
		logDecision(log, "payment cancelled before its request arrived; a late request will be refused", event)
		return nil
	}
	logDecision(log, "payment cancellation decided", event)
	return nil
}

// rejectWithoutCustomer answers FAILED a request of that kind that names no
// customer. No payment is saved (there is no customer to save it for): the
// answer's unique index alone keeps a duplicate from being answered twice,
// for as long as the answer is kept in the outbox.
func (h *PaymentRequestHelper) rejectWithoutCustomer(ctx context.Context, req PaymentRequest, request kernel.PaymentOrderStatus) error {
	log := h.log.With(zap.Stringer("saga_id", req.SagaID), zap.Stringer("order_id", req.OrderID))
	event := h.domain.RejectPaymentWithoutCustomer(req.OrderID, req.Price)
	answered := false
	err := h.tx.Transact(ctx, func(ctx context.Context) error {
		var err error
		if answered, err = h.outbox.Answered(ctx, req.SagaID, request); err != nil || answered {
			return err
		}
		return h.outbox.SaveOrderOutboxMessage(ctx, orderEventPayloadOf(event), request, req.SagaID)
	})
	if answered || errors.Is(err, ErrDuplicate) {
		log.Info("payment request already answered; nothing to do")
		return nil
	}
	if err != nil {
		return err
	}
	logDecision(log, "payment request refused", event)
	return nil
}

// lockCreditEntry returns the customer's credit entry locked until the
// transaction ends, or nil when the customer has none.
func (h *PaymentRequestHelper) lockCreditEntry(ctx context.Context, customerID kernel.CustomerID) (*domain.CreditEntry, error) {
	credit, err := h.credits.FindByCustomerIDForUpdate(ctx, customerID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock credit entry of customer %s: %w", customerID, err)
	}
	return credit, nil
}

// findPayment returns the order's payment locked until the transaction ends,
// or nil when the order has none.
func (h *PaymentRequestHelper) findPayment(ctx context.Context, orderID kernel.OrderID) (*domain.Payment, error) {
	payment, err := h.payments.FindByOrderIDForUpdate(ctx, orderID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock payment of order %s: %w", orderID, err)
	}
	return payment, nil
}

// requireAnswerable refuses a request that names no saga or no order: an
// answer must say which saga and which order it is about, so such a request
// can only be parked, never answered.
func requireAnswerable(req PaymentRequest) error {
	switch {
	case req.SagaID.IsZero():
		return kernel.Errorf(kernel.ECodeInvalid, "payment request %s has no saga id", req.ID)
	case req.OrderID.IsZero():
		return kernel.Errorf(kernel.ECodeInvalid, "payment request %s of saga %s has no order id", req.ID, req.SagaID)
	}
	return nil
}

// outcome is what a use case did with a request, for its log line.
type outcome int

const (
	outcomeDecided outcome = iota
	outcomeAnswered
	outcomeRefusedAfterCancellation
	outcomeCancelledBeforePayment
)

// logDecision logs at INFO the answer written, with the reasons of a refusal.
func logDecision(log *zap.Logger, msg string, event domain.PaymentEvent) {
	fields := []zap.Field{zap.String("status", string(event.PaymentStatus())), zap.Strings("failure_messages", event.FailureMessages())}
	if id := event.Payment().ID(); !id.IsZero() {
		fields = append(fields, zap.Stringer("payment_id", id))
	}
	log.Info(msg, fields...)
}

// saveMovement stores the credit entry's new total and the history entry
// that explains it.
func (h *PaymentRequestHelper) saveMovement(ctx context.Context, credit *domain.CreditEntry, entry *domain.CreditHistory) error {
	if err := h.credits.Save(ctx, credit); err != nil {
		return fmt.Errorf("save credit entry of customer %s: %w", credit.CustomerID(), err)
	}
	if err := h.history.Save(ctx, entry); err != nil {
		return fmt.Errorf("save credit history of customer %s: %w", entry.CustomerID(), err)
	}
	return nil
}
