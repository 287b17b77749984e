package domain

import (
	"errors"

	"github.com/food-ordering-system/common/kernel"
)

// Sentinels for the rules an order can break; match them with errors.Is. A
// broken rule is returned as kernel.WrapError(kernel.ECodeInvalid, ErrX,
// message): errors.Is finds the rule, kernel.ErrorMessageOf the message users
// see (the original system's wording), and repeating the request cannot help.
var (
	// ErrOrderState: the operation is not allowed in the order's status.
	ErrOrderState = errors.New("order is not in correct state")
	// ErrOrderPrice: the total price is not positive or does not add up.
	ErrOrderPrice = errors.New("order price is not valid")
	// ErrOrderItemPrice: an item's price does not match its product or subtotal.
	ErrOrderItemPrice = errors.New("order item price is not valid")
	// ErrOrderItemQuantity: an item orders less than one of its product.
	ErrOrderItemQuantity = errors.New("order item quantity is not valid")
	// ErrOrderWithoutItems: an order names nothing to deliver.
	ErrOrderWithoutItems = errors.New("order has no items")
	// ErrRestaurantNotActive: the restaurant does not take orders now.
	ErrRestaurantNotActive = errors.New("restaurant is not active")
	// ErrStreetAddress: an address lacks its street, postal code or city, or
	// an order has no address.
	ErrStreetAddress = errors.New("street address is not complete")
	// ErrMissingID: an order, item, product, restaurant or customer, or a
	// reference to one, has no id.
	ErrMissingID = errors.New("id is missing")
)

// storedError reports stored data that a constructor refuses: the fault is
// the system's, not the caller's, so whatever the rule's code the error is
// kernel.ECodeInternal; errors.Is still finds the rule.
func storedError(what string, err error) error {
	return kernel.WrapError(kernel.ECodeInternal, err, what+" is not valid")
}
