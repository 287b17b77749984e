package domain

import (
	"fmt"
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// PaymentDomainService decides on payments and their cancellation against a
// customer's credit and credit history. It changes the credit entry only when
// the decision succeeds, and returns the history entry that records the
// movement, so that a failed payment leaves the balance as it was.
type PaymentDomainService struct {
	now func() time.Time
}

// NewPaymentDomainService returns the service; now stamps payments, history
// entries and events (time.Now when nil).
func NewPaymentDomainService(now func() time.Time) *PaymentDomainService {
	if now == nil {
		now = time.Now
	}
	return &PaymentDomainService{now: now}
}

// ValidateAndInitiatePayment gives a new payment its id and decides on it.
// It completes when the price is positive, the credit covers it, and the
// history's totals, with the new debit, still add up to the credit left: the credit
// entry is then debited and the DEBIT entry to save is returned with a
// PaymentCompletedEvent. Otherwise the payment fails with every reason in a
// PaymentFailedEvent, the credit entry is untouched and the entry is nil.
// A nil credit means the customer has no credit entry: the payment fails,
// and is saved FAILED like any other refusal, so that the order gets its
// answer and a duplicate of the request finds it.
func (s *PaymentDomainService) ValidateAndInitiatePayment(payment *Payment, credit *CreditEntry,
	history CreditHistoryTotals) (PaymentEvent, *CreditHistory) {
	now := kernel.EventTime(s.now())
	payment.initialize(now)
	var failures []string
	if msg := payment.validatePrice(); msg != "" {
		failures = append(failures, msg)
	}
	if credit == nil {
		failures = append(failures, noCreditEntry(payment.customerID))
		payment.status = kernel.PaymentStatusFailed
		return PaymentFailedEvent{paymentEvent{payment, now}, failures}, nil
	}
	if payment.price.GreaterThan(credit.totalCredit) {
		failures = append(failures, fmt.Sprintf("Customer with id=%s doesn't have enough credit for payment!", payment.customerID))
	}
	remaining := credit.totalCredit.Subtract(payment.price)
	debit := newCreditHistory(payment.customerID, payment.orderID, payment.price, TransactionTypeDebit, now)
	failures = append(failures, validateCreditHistory(credit.customerID, remaining, history.with(debit))...)
	if len(failures) > 0 {
		payment.status = kernel.PaymentStatusFailed
		return PaymentFailedEvent{paymentEvent{payment, now}, failures}, nil
	}
	credit.subtractCreditAmount(payment.price)
	payment.status = kernel.PaymentStatusCompleted
	return PaymentCompletedEvent{paymentEvent{payment, now}}, debit
}

// ValidateAndCancelPayment cancels a stored payment. A COMPLETED payment's
// price is given back: the credit entry is credited (the history is not
// checked, as in the original: a refund only adds to it), the payment
// becomes CANCELLED, and the CREDIT entry to save is returned with a
// PaymentCancelledEvent. A FAILED payment took nothing, so it becomes
// CANCELLED with no movement (the entry is nil): the order is cancelled and
// no money is kept, and the original's refund of money never taken is not
// repeated. A payment already CANCELLED is refused with a PaymentFailedEvent;
// so is a refund for which credit, the entry of the customer who paid, is
// nil. Nothing changes on a refusal.
func (s *PaymentDomainService) ValidateAndCancelPayment(payment *Payment, credit *CreditEntry) (PaymentEvent, *CreditHistory) {
	now := kernel.EventTime(s.now())
	var failures []string
	switch payment.status {
	case kernel.PaymentStatusFailed:
		payment.status = kernel.PaymentStatusCancelled
		return PaymentCancelledEvent{paymentEvent{payment, now}}, nil
	case kernel.PaymentStatusCompleted:
		if msg := payment.validatePrice(); msg != "" {
			failures = append(failures, msg)
		}
		if credit == nil {
			failures = append(failures, noCreditEntry(payment.customerID))
		}
	default:
		failures = append(failures, fmt.Sprintf("Payment with id: %s cannot be cancelled, its status is %s!", payment.id, payment.status))
	}
	if len(failures) > 0 {
		return PaymentFailedEvent{paymentEvent{payment, now}, failures}, nil
	}
	refund := newCreditHistory(payment.customerID, payment.orderID, payment.price, TransactionTypeCredit, now)
	credit.addCreditAmount(payment.price)
	payment.status = kernel.PaymentStatusCancelled
	return PaymentCancelledEvent{paymentEvent{payment, now}}, refund
}

// CancelBeforePayment records the cancellation of an order whose payment
// request has not arrived (yet): a compensation can overtake the step it
// compensates. The new payment gets its id and the status CANCELLED with no
// movement of credit, and is saved like any payment, so that the late
// request finds it and is refused instead of charging.
func (s *PaymentDomainService) CancelBeforePayment(payment *Payment) PaymentEvent {
	now := kernel.EventTime(s.now())
	payment.initialize(now)
	payment.status = kernel.PaymentStatusCancelled
	return PaymentCancelledEvent{paymentEvent{payment, now}}
}

// RecordedPayment reports again the decision recorded on a stored payment,
// for a request whose first answer is gone (the cleaner removed it after it
// was published) and which order-service sends again for want of it. A
// FAILED payment does not keep its reasons, so its event says that it was
// refused before.
func (s *PaymentDomainService) RecordedPayment(payment *Payment) PaymentEvent {
	event := paymentEvent{payment, kernel.EventTime(s.now())}
	switch payment.status {
	case kernel.PaymentStatusCompleted:
		return PaymentCompletedEvent{event}
	case kernel.PaymentStatusCancelled:
		return PaymentCancelledEvent{event}
	default:
		return PaymentFailedEvent{event, []string{fmt.Sprintf("Payment with id: %s for order: %s was refused earlier", payment.id, payment.orderID)}}
	}
}

// RejectPaymentWithoutCustomer answers a request that names no customer: it
// cannot become a payment (NewPayment refuses it, there is no credit to take
// from or give back to), yet the order still needs a FAILED answer to move
// its saga. The event reports a payment that has no id and is not saved.
func (s *PaymentDomainService) RejectPaymentWithoutCustomer(orderID kernel.OrderID, price kernel.Money) PaymentEvent {
	now := kernel.EventTime(s.now())
	payment := &Payment{orderID: orderID, price: price, status: kernel.PaymentStatusFailed, createdAt: now}
	failure := fmt.Sprintf("Payment request for order: %s names no customer!", orderID)
	return PaymentFailedEvent{paymentEvent{payment, now}, []string{failure}}
}

// noCreditEntry is the failure message of a customer without a credit entry.
func noCreditEntry(customerID kernel.CustomerID) string {
	return fmt.Sprintf("Could not find credit entry for customer: %s", customerID)
}

// validateCreditHistory checks that the history justifies the credit: the
// customer never spent more than was credited, and credits minus debits
// equal the balance.
func validateCreditHistory(customerID kernel.CustomerID, credit kernel.Money, history CreditHistoryTotals) []string {
	var failures []string
	credits, debits := history.credits, history.debits
	if debits.GreaterThan(credits) {
		failures = append(failures, fmt.Sprintf("Customer with id=%s doesn't have enough credit according to credit history!", customerID))
	}
	if !credit.Equal(credits.Subtract(debits)) {
		failures = append(failures, fmt.Sprintf("Credit history total is not equal to current credit for customer id: %s!", customerID))
	}
	return failures
}
