package domain

import "github.com/food-ordering-system/common/kernel"

// PaymentCompletedEvent says the price was taken from the customer's credit.
type PaymentCompletedEvent struct{ paymentEvent }

// PaymentStatus is COMPLETED.
func (PaymentCompletedEvent) PaymentStatus() kernel.PaymentStatus {
	return kernel.PaymentStatusCompleted
}
