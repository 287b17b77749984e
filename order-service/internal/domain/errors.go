package domain

import (
	"errors"

	"github.com/food-ordering-system/common/kernel"
)

// Sentinels for the rules an order can break; match them with errors.Is.
var (
	// ErrOrderState: the operation is not allowed in the order's status.
	ErrOrderState = errors.New("order is not in correct state")
	// ErrOrderPrice: the total price is not positive or does not add up.
	ErrOrderPrice = errors.New("order price is not valid")
	// ErrOrderItemPrice: an item's price does not match its product or subtotal.
	ErrOrderItemPrice = errors.New("order item price is not valid")
	// ErrOrderItemQuantity: an item orders less than one of its product.
	ErrOrderItemQuantity = errors.New("order item quantity is not valid")
	// ErrRestaurantNotActive: the restaurant does not take orders now.
	ErrRestaurantNotActive = errors.New("restaurant is not active")
)

// RuleError is a broken domain rule. Its text is the message users see (the
// original system's wording); errors.Is matches Rule, and kernel.ErrorCodeOf
// classifies it as kernel.ECodeInvalid, since repeating the request cannot
// help.
type RuleError struct {
	Rule    error
	Message string
}

func (e *RuleError) Error() string { return e.Message }

// Unwrap exposes the rule sentinel and the kernel classification.
func (e *RuleError) Unwrap() []error {
	return []error{e.Rule, &kernel.Error{Code: kernel.ECodeInvalid, Message: e.Message}}
}

func ruleError(rule error, message string) error {
	return &RuleError{Rule: rule, Message: message}
}
