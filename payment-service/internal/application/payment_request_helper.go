package application

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/logging"
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
//
// It is the PaymentRequestMessageListener input port itself: the Kafka
// listener calls it directly.
type PaymentRequestHelper struct {
	tx       Transactor
	payments PaymentRepository
	credits  CreditEntryRepository
	history  CreditHistoryRepository
	domain   *domain.PaymentDomainService
	outbox   *OrderOutboxHelper
	log      *zap.Logger
}

var _ PaymentRequestMessageListener = (*PaymentRequestHelper)(nil)

// NewPaymentRequestHelper wires the helper to its ports.
func NewPaymentRequestHelper(tx Transactor, payments PaymentRepository, credits CreditEntryRepository,
	history CreditHistoryRepository, ds *domain.PaymentDomainService, outboxHelper *OrderOutboxHelper, log *zap.Logger) *PaymentRequestHelper {
	return &PaymentRequestHelper{tx: tx, payments: payments, credits: credits, history: history, domain: ds,
		outbox: outboxHelper, log: log}
}

// CompletePayment decides on a PENDING request: the payment is saved
// COMPLETED or FAILED, the credit entry is debited with a DEBIT history entry
// only when it completed, and the answer is written to the order outbox. A
// customer without a credit entry is a FAILED payment like any other: a
// business dead end is an answer, not a dead letter.
//
// A request for an order whose payment was cancelled before the request
// arrived (a refund that overtook it) is refused and not answered: nothing
// is charged, and order-service, which sent the refund, no longer waits for
// this answer. The request names its saga and its order: the messaging
// adapter parks one that does not.
func (h *PaymentRequestHelper) CompletePayment(ctx context.Context, req PaymentRequest) error {
	return h.persist(ctx, req, kernel.PaymentOrderStatusPending, h.pay)
}

// CancelPayment decides on a CANCELLED request, the compensation of a
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
func (h *PaymentRequestHelper) CancelPayment(ctx context.Context, req PaymentRequest) error {
	return h.persist(ctx, req, kernel.PaymentOrderStatusCancelled, h.cancel)
}

// decision is the body of one use case's transaction: it decides on the
// request and saves what changed but the answer. It returns what it did and,
// when the request is to be answered, the event the answer reports.
type decision func(ctx context.Context, req PaymentRequest, payment *domain.Payment) (outcome, domain.PaymentEvent, error)

// persist runs the use case common to both kinds of request: it answers
// FAILED a request that names no customer,
// and otherwise runs decide and writes its answer to the order outbox in
// one transaction. A request found answered, or refused by a unique index
// because a concurrent or earlier delivery answered it first, changes
// nothing and is no error.
func (h *PaymentRequestHelper) persist(ctx context.Context, req PaymentRequest, request kernel.PaymentOrderStatus, decide decision) error {
	log := h.log.With(logging.Trace(ctx), zap.Stringer("saga_id", req.SagaID), zap.Stringer("order_id", req.OrderID),
		zap.String("payment_order_status", string(request)))
	payment, err := domain.NewPayment(req.OrderID, req.CustomerID, req.Price)
	switch {
	case errors.Is(err, domain.ErrInvalidCustomerID):
		decide = func(ctx context.Context, req PaymentRequest, _ *domain.Payment) (outcome, domain.PaymentEvent, error) {
			return h.rejectWithoutCustomer(ctx, req, request)
		}
	case err != nil:
		return err
	default:
		log = log.With(zap.Stringer("customer_id", req.CustomerID))
	}
	var (
		result outcome
		event  domain.PaymentEvent
	)
	err = h.tx.Transact(ctx, func(ctx context.Context) error {
		var err error
		if result, event, err = decide(ctx, req, payment); err != nil || event == nil {
			return err
		}
		return h.outbox.SaveOrderOutboxMessage(ctx, orderEventPayloadFromEvent(event), request, req.SagaID)
	})
	switch {
	case errors.Is(err, kernel.ErrDuplicate):
		// A unique index refused the second payment or answer: a concurrent
		// delivery, or a concurrent cancellation of a customer without credit
		// entry to serialise on, committed first. Nothing moved here.
		log.Info("payment request already answered; refused by a unique index")
		log.Debug("duplicate refused", zap.Error(err))
		return nil
	case err != nil:
		return err
	case event == nil:
		log.Info(string(result))
		return nil
	}
	fields := []zap.Field{zap.String("status", string(event.PaymentStatus())), zap.Strings("failure_messages", event.FailureMessages())}
	if id := event.Payment().ID(); !id.IsZero() {
		fields = append(fields, zap.Stringer("payment_id", id))
	}
	log.Info(string(result), fields...)
	return nil
}

// pay is CompletePayment's decision.
func (h *PaymentRequestHelper) pay(ctx context.Context, req PaymentRequest, payment *domain.Payment) (outcome, domain.PaymentEvent, error) {
	credit, err := h.lockCreditEntry(ctx, req.CustomerID)
	if err != nil {
		return "", nil, err
	}
	// Looked up under the lock, which a cancellation of this order takes too
	// before it records itself: the cancellation is found here, or it finds
	// this payment; and a duplicate that waited for the lock finds the
	// payment its twin just committed.
	existing, err := h.findPayment(ctx, req.OrderID)
	if err != nil {
		return "", nil, err
	}
	if existing != nil {
		// Only an order with a payment can have been answered (each answer
		// to a request with a customer is written with its payment), so a
		// first delivery skips this lookup.
		if answered, err := h.outbox.AnswerAgain(ctx, req.SagaID, kernel.PaymentOrderStatusPending); err != nil || answered {
			return outcomeAnswered, nil, err
		}
		// CANCELLED: a refund overtook this request (or refunded it and the
		// answer to this duplicate was cleaned). Anything else: a duplicate
		// whose answer was cleaned from the outbox, answered again from the
		// payment's record.
		if existing.Status() == kernel.PaymentStatusCancelled {
			return outcomeRefusedAfterCancellation, nil, nil
		}
		return outcomeAnsweredFromRecord, h.domain.RecordedPayment(existing), nil
	}
	var history domain.CreditHistoryTotals
	if credit != nil {
		if history, err = h.history.TotalsByCustomerID(ctx, req.CustomerID); err != nil {
			return "", nil, fmt.Errorf("add up credit history of customer %s: %w", req.CustomerID, err)
		}
	}
	event, debit := h.domain.ValidateAndInitiatePayment(payment, credit, history)
	if err := h.payments.Save(ctx, payment); err != nil {
		return "", nil, fmt.Errorf("save payment of order %s: %w", req.OrderID, err)
	}
	if err := h.saveMovement(ctx, credit, debit); err != nil {
		return "", nil, err
	}
	return outcomePaymentDecided, event, nil
}

// cancel is CancelPayment's decision; cancellation is the payment
// recorded as CANCELLED when the order has none yet.
func (h *PaymentRequestHelper) cancel(ctx context.Context, req PaymentRequest, cancellation *domain.Payment) (outcome, domain.PaymentEvent, error) {
	// The credit entry first, then the payment, in the order pay takes them:
	// a payment of this order being taken now has either committed (and is
	// found below) or waits, and then finds the cancellation recorded here.
	credit, err := h.lockCreditEntry(ctx, req.CustomerID)
	if err != nil {
		return "", nil, err
	}
	payment, err := h.findPayment(ctx, req.OrderID)
	if err != nil {
		return "", nil, err
	}
	if answered, err := h.outbox.AnswerAgain(ctx, req.SagaID, kernel.PaymentOrderStatusCancelled); err != nil || answered {
		return outcomeAnswered, nil, err
	}
	if payment == nil {
		event := h.domain.CancelBeforePayment(cancellation)
		if err := h.payments.Save(ctx, cancellation); errors.Is(err, kernel.ErrDuplicate) {
			// Only possible without a credit entry to serialise on: a
			// payment of the order committed since the lookup. Run again,
			// the request finds and cancels it.
			return "", nil, kernel.Errorf(kernel.ECodeConflict, "payment of order %s was saved while its cancellation was recorded", req.OrderID)
		} else if err != nil {
			return "", nil, fmt.Errorf("save cancellation of order %s: %w", req.OrderID, err)
		}
		return outcomeCancelledBeforePayment, event, nil
	}
	// A cancelled payment stays cancelled even once the cleaner has removed
	// the answer that said so, which is given again from the record.
	if payment.Status() == kernel.PaymentStatusCancelled {
		return outcomeAnsweredFromRecord, h.domain.RecordedPayment(payment), nil
	}
	if payment.CustomerID() != req.CustomerID {
		// The refund goes to the customer who paid. Locking that entry after
		// the payment leaves the usual order, which only a request
		// contradicting the stored payment does.
		if credit, err = h.lockCreditEntry(ctx, payment.CustomerID()); err != nil {
			return "", nil, err
		}
	}
	event, refund := h.domain.ValidateAndCancelPayment(payment, credit)
	if event.PaymentStatus() == kernel.PaymentStatusCancelled {
		if err := h.payments.Save(ctx, payment); err != nil {
			return "", nil, fmt.Errorf("save payment of order %s: %w", req.OrderID, err)
		}
	}
	if err := h.saveMovement(ctx, credit, refund); err != nil {
		return "", nil, err
	}
	return outcomeCancellationDecided, event, nil
}

// rejectWithoutCustomer is the decision on a request of that kind that names
// no customer: it is answered FAILED. No payment is saved (there is no
// customer to save it for): the answer's unique index alone keeps a
// duplicate from being answered twice, for as long as the answer is kept in
// the outbox.
func (h *PaymentRequestHelper) rejectWithoutCustomer(ctx context.Context, req PaymentRequest,
	request kernel.PaymentOrderStatus) (outcome, domain.PaymentEvent, error) {
	if answered, err := h.outbox.AnswerAgain(ctx, req.SagaID, request); err != nil || answered {
		return outcomeAnswered, nil, err
	}
	return outcomeRejectedWithoutCustomer, h.domain.RejectPaymentWithoutCustomer(req.OrderID, req.Price), nil
}

// lockCreditEntry returns the customer's credit entry locked until the
// transaction ends, or nil when the customer has none.
func (h *PaymentRequestHelper) lockCreditEntry(ctx context.Context, customerID kernel.CustomerID) (*domain.CreditEntry, error) {
	credit, err := h.credits.FindByCustomerIDForUpdate(ctx, customerID)
	if errors.Is(err, kernel.ErrNotFound) {
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
	if errors.Is(err, kernel.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock payment of order %s: %w", orderID, err)
	}
	return payment, nil
}

// outcome is what a use case did with a request: the message of its log
// line.
type outcome string

const (
	outcomeAnswered                 outcome = "payment request already answered; the answer is sent again"
	outcomeAnsweredFromRecord       outcome = "payment request decided before and its answer cleaned; answered again from the payment"
	outcomeRefusedAfterCancellation outcome = "payment request for the order arrives after its cancellation; refused, nothing charged"
	outcomePaymentDecided           outcome = "payment decided"
	outcomeCancellationDecided      outcome = "payment cancellation decided"
	outcomeCancelledBeforePayment   outcome = "payment cancelled before its request arrived; a late request will be refused"
	outcomeRejectedWithoutCustomer  outcome = "payment request refused"
)

// saveMovement stores the credit entry's new total and the history entry
// that explains it; nothing when the decision moved no credit (entry nil).
func (h *PaymentRequestHelper) saveMovement(ctx context.Context, credit *domain.CreditEntry, entry *domain.CreditHistory) error {
	if entry == nil {
		return nil
	}
	if err := h.credits.Save(ctx, credit); err != nil {
		return fmt.Errorf("save credit entry of customer %s: %w", credit.CustomerID(), err)
	}
	if err := h.history.Save(ctx, entry); err != nil {
		return fmt.Errorf("save credit history of customer %s: %w", entry.CustomerID(), err)
	}
	return nil
}
