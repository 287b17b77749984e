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
	// ErrInvalidOrder: stored data cannot describe an order (an unknown
	// status).
	ErrInvalidOrder = errors.New("invalid order")
	// ErrInvalidOrderPrice: the total price is not positive or does not add up.
	ErrInvalidOrderPrice = errors.New("order price is not valid")
	// ErrInvalidOrderItemPrice: an item's price does not match its product or
	// subtotal.
	ErrInvalidOrderItemPrice = errors.New("order item price is not valid")
	// ErrInvalidOrderItemQuantity: an item orders less than one of its product.
	ErrInvalidOrderItemQuantity = errors.New("order item quantity is not valid")
	// ErrInvalidOrderItems: an order names nothing to deliver.
	ErrInvalidOrderItems = errors.New("order has no items")
	// ErrInvalidRestaurant: the restaurant cannot take the order, since it is
	// not active now.
	ErrInvalidRestaurant = errors.New("restaurant is not active")
	// ErrInvalidStreetAddress: an address lacks its street, postal code or
	// city, or an order has no address.
	ErrInvalidStreetAddress = errors.New("street address is not complete")
	// ErrInvalidID: an order, item, product, restaurant or customer, or a
	// reference to one, has no id.
	ErrInvalidID = errors.New("id is missing")
)
