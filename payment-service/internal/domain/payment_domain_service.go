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
// history, with the new debit, still adds up to the credit left: the credit
// entry is then debited and the DEBIT entry to save is returned with a
// PaymentCompletedEvent. Otherwise the payment fails with every reason in a
// PaymentFailedEvent, the credit entry is untouched and the entry is nil.
func (s *PaymentDomainService) ValidateAndInitiatePayment(payment *Payment, credit *CreditEntry,
	history []CreditHistory) (PaymentEvent, *CreditHistory) {
	now := kernel.EventTime(s.now())
	payment.initialize(now)

	var failures []string
	if msg := payment.validatePrice(); msg != "" {
		failures = append(failures, msg)
	}
	if payment.price.GreaterThan(credit.totalCredit) {
		failures = append(failures, fmt.Sprintf("Customer with id=%s doesn't have enough credit for payment!", payment.customerID))
	}
	remaining := credit.totalCredit.Subtract(payment.price)
	debit := newCreditHistory(payment.customerID, payment.price, TransactionTypeDebit, now)
	failures = append(failures, validateCreditHistory(credit.customerID, remaining, withEntry(history, debit))...)

	if len(failures) > 0 {
		payment.status = kernel.PaymentStatusFailed
		return PaymentFailedEvent{paymentEvent{payment, now}, failures}, nil
	}
	credit.subtractCreditAmount(payment.price)
	payment.status = kernel.PaymentStatusCompleted
	return PaymentCompletedEvent{paymentEvent{payment, now}}, &debit
}

// ValidateAndCancelPayment gives a completed payment's price back: the credit
// entry is credited (the history is not checked, as in the original: a refund
// only adds to it), the payment becomes CANCELLED, and the CREDIT entry to
// save is returned with a PaymentCancelledEvent. A payment that is not
// COMPLETED took no money, so it is refused with a PaymentFailedEvent and
// nothing changes (the original refunded failed payments too).
func (s *PaymentDomainService) ValidateAndCancelPayment(payment *Payment, credit *CreditEntry) (PaymentEvent, *CreditHistory) {
	now := kernel.EventTime(s.now())

	var failures []string
	if msg := payment.validatePrice(); msg != "" {
		failures = append(failures, msg)
	}
	if payment.status != kernel.PaymentStatusCompleted {
		failures = append(failures, fmt.Sprintf("Payment with id: %s cannot be cancelled, its status is %s!", payment.id, payment.status))
	}
	if len(failures) > 0 {
		return PaymentFailedEvent{paymentEvent{payment, now}, failures}, nil
	}
	refund := newCreditHistory(payment.customerID, payment.price, TransactionTypeCredit, now)
	credit.addCreditAmount(payment.price)
	payment.status = kernel.PaymentStatusCancelled
	return PaymentCancelledEvent{paymentEvent{payment, now}}, &refund
}

// validateCreditHistory checks that the history justifies the credit: the
// customer never spent more than was credited, and credits minus debits
// equal the balance.
func validateCreditHistory(customerID kernel.CustomerID, credit kernel.Money, history []CreditHistory) []string {
	var failures []string
	credits := totalOf(history, TransactionTypeCredit)
	debits := totalOf(history, TransactionTypeDebit)
	if debits.GreaterThan(credits) {
		failures = append(failures, fmt.Sprintf("Customer with id=%s doesn't have enough credit according to credit history!", customerID))
	}
	if !credit.Equal(credits.Subtract(debits)) {
		failures = append(failures, fmt.Sprintf("Credit history total is not equal to current credit for customer id: %s!", customerID))
	}
	return failures
}

// withEntry returns history with e appended, never writing into the
// caller's backing array.
func withEntry(history []CreditHistory, e CreditHistory) []CreditHistory {
	return append(history[:len(history):len(history)], e)
}
