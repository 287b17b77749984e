package domain

import (
	"errors"
)

// Sentinels for the rules the domain's types enforce; match them with
// errors.Is. The error that carries one is a *kernel.Error whose message says
// what was wrong, with ids: kernel.ECodeInvalid when a request broke the rule,
// kernel.ECodeInternal when stored data did, since the database is then at
// fault and the details are not for users.
var (
	// ErrInvalidOrderID: a payment names no order to pay for.
	ErrInvalidOrderID = errors.New("payment without order")
	// ErrInvalidCustomerID: a payment names no customer to take the price
	// from.
	ErrInvalidCustomerID = errors.New("payment without customer")
	// ErrInvalidPayment: stored data cannot describe a payment.
	ErrInvalidPayment = errors.New("invalid payment")
	// ErrInvalidCreditEntry: stored data cannot describe a credit entry.
	ErrInvalidCreditEntry = errors.New("invalid credit entry")
	// ErrInvalidCreditHistory: stored data cannot describe a history entry.
	ErrInvalidCreditHistory = errors.New("invalid credit history")
)
