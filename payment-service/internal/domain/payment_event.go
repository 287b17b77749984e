package domain

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// PaymentEvent is the decision PaymentDomainService took on a payment: a
// PaymentCompletedEvent, PaymentCancelledEvent or PaymentFailedEvent. The
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

// paymentEvent is what every PaymentEvent carries: the payment and when it
// was decided on.
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

var (
	_ PaymentEvent = PaymentCompletedEvent{}
	_ PaymentEvent = PaymentCancelledEvent{}
	_ PaymentEvent = PaymentFailedEvent{}
)
