package domain

import (
	"fmt"

	"github.com/food-ordering-system/common/kernel"
)

// OrderItem is one line of an order: a product, how many, the unit price the
// client saw and the line's subtotal.
type OrderItem struct {
	id       OrderItemID
	orderID  kernel.OrderID
	product  Product
	quantity int
	price    kernel.Money
	subTotal kernel.Money
}

// NewOrderItem returns an item that is not yet part of an initialized order.
func NewOrderItem(product Product, quantity int, price, subTotal kernel.Money) OrderItem {
	return OrderItem{product: product, quantity: quantity, price: price, subTotal: subTotal}
}

// RestoreOrderItem rebuilds a stored item; it checks nothing.
func RestoreOrderItem(id OrderItemID, orderID kernel.OrderID, product Product, quantity int, price, subTotal kernel.Money) OrderItem {
	return OrderItem{id: id, orderID: orderID, product: product, quantity: quantity, price: price, subTotal: subTotal}
}

// ID returns the item's number within its order.
func (i OrderItem) ID() OrderItemID { return i.id }

// OrderID returns the order the item belongs to.
func (i OrderItem) OrderID() kernel.OrderID { return i.orderID }

// Product returns the item's product.
func (i OrderItem) Product() Product { return i.product }

// Quantity returns how many of the product were ordered.
func (i OrderItem) Quantity() int { return i.quantity }

// Price returns the unit price.
func (i OrderItem) Price() kernel.Money { return i.price }

// SubTotal returns price × quantity as the client stated it.
func (i OrderItem) SubTotal() kernel.Money { return i.subTotal }

// validateQuantity checks that at least one of the product is ordered. The
// original system did not check it, so a zero line could slip into an order.
func (i OrderItem) validateQuantity() error {
	if i.quantity < 1 {
		return ruleError(ErrOrderItemQuantity, fmt.Sprintf("Order item quantity: %d is not valid for product %s", i.quantity, i.product.ID))
	}
	return nil
}

// validatePrice checks that the price is positive, is the product's price and
// multiplies to the subtotal.
func (i OrderItem) validatePrice() error {
	valid := i.price.IsGreaterThanZero() &&
		i.price.Equal(i.product.Price) &&
		i.price.Multiply(i.quantity).Equal(i.subTotal)
	if !valid {
		return ruleError(ErrOrderItemPrice, fmt.Sprintf("Order item price: %s is not valid for product %s", i.price, i.product.ID))
	}
	return nil
}
