package domain

import "github.com/food-ordering-system/common/kernel"

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
