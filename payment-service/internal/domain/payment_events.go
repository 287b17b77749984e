package domain

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// PaymentEvent is the decision PaymentDomainService took on a payment; the
// application turns it into the answer sent to order-service.
type PaymentEvent interface {
	kernel.DomainEvent
	// Payment is the payment decided on.
	Payment() *Payment
	// PaymentStatus is the outcome the event reports.
	PaymentStatus() kernel.PaymentStatus
	// FailureMessages say why a payment failed; empty otherwise.
	FailureMessages() []string
}

type paymentEvent struct {
	payment   *Payment
	createdAt time.Time
}

// Payment is the payment decided on.
func (e paymentEvent) Payment() *Payment { return e.payment }

// CreatedAt is when the decision was taken.
func (e paymentEvent) CreatedAt() time.Time { return e.createdAt }

// FailureMessages is empty: only PaymentFailedEvent carries reasons.
func (e paymentEvent) FailureMessages() []string { return nil }

// PaymentCompletedEvent says the price was taken from the customer's credit.
type PaymentCompletedEvent struct{ paymentEvent }

// PaymentStatus is COMPLETED.
func (PaymentCompletedEvent) PaymentStatus() kernel.PaymentStatus {
	return kernel.PaymentStatusCompleted
}

// PaymentCancelledEvent says the price was given back to the customer's credit.
type PaymentCancelledEvent struct{ paymentEvent }

// PaymentStatus is CANCELLED.
func (PaymentCancelledEvent) PaymentStatus() kernel.PaymentStatus {
	return kernel.PaymentStatusCancelled
}

// PaymentFailedEvent says the payment or its cancellation was refused, and
// why; the customer's credit did not move.
type PaymentFailedEvent struct {
	paymentEvent
	failureMessages []string
}

// PaymentStatus is FAILED.
func (PaymentFailedEvent) PaymentStatus() kernel.PaymentStatus { return kernel.PaymentStatusFailed }

// FailureMessages say why the payment failed.
func (e PaymentFailedEvent) FailureMessages() []string { return e.failureMessages }
