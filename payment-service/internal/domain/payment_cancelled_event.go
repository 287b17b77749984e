package domain

import "github.com/food-ordering-system/common/kernel"

// PaymentCancelledEvent says the price was given back to the customer's credit.
type PaymentCancelledEvent struct{ paymentEvent }

// PaymentStatus is CANCELLED.
func (PaymentCancelledEvent) PaymentStatus() kernel.PaymentStatus {
	return kernel.PaymentStatusCancelled
}
