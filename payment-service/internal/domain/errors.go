package domain

import "errors"

// Sentinels for the rules a payment can break; match them with errors.Is.
// NewPayment returns them wrapped in a kernel error with code
// kernel.ECodeInvalid, since repeating the request cannot help.
var (
	// ErrPaymentWithoutOrder: a payment names no order to pay for.
	ErrPaymentWithoutOrder = errors.New("payment without order")
	// ErrPaymentWithoutCustomer: a payment names no customer to take the
	// price from.
	ErrPaymentWithoutCustomer = errors.New("payment without customer")
)
