package domain

import (
	"errors"
)

// Sentinels for the rules the domain's types enforce; match them with
// errors.Is. The error that carries one is a *kernel.Error whose message says
// what was wrong, with ids: kernel.ECodeInvalid when a request broke the rule
// (the message is the original system's wording, shown to users),
// kernel.ECodeInternal when stored data did, since the database is then at
// fault and the details are not for users.
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
