package domain

import (
	"github.com/food-ordering-system/common/kernel"
)

// OrderItem is one line of an order: a product, how many, the unit price the
// client saw and the line's subtotal.
type OrderItem struct {
	id       OrderItemID
	product  Product
	quantity int
	price    kernel.Money
	subTotal kernel.Money
}

// NewOrderItem returns a line of a new order: at least one of the product
// with the given id. Its product is known only by id, and its prices are
// checked against the restaurant's catalog when the order is initiated.
func NewOrderItem(productID kernel.ProductID, quantity int, price, subTotal kernel.Money) (OrderItem, error) {
	if productID.IsZero() {
		return OrderItem{}, kernel.Invalid(ErrInvalidID, "Order item needs a product id!")
	}
	// The original system did not check the quantity, so a zero line could
	// slip into an order.
	if quantity < 1 {
		return OrderItem{}, kernel.Invalid(ErrInvalidOrderItemQuantity, "Order item quantity: %d is not valid for product %s", quantity, productID)
	}
	return OrderItem{product: Product{id: productID}, quantity: quantity, price: price, subTotal: subTotal}, nil
}

// UnmarshalOrderItemFromDatabase rebuilds a stored item. A stored item keeps
// its product's id and the price it was ordered at; the catalog's name is
// not part of the order.
func UnmarshalOrderItemFromDatabase(id OrderItemID, productID kernel.ProductID, quantity int, price, subTotal kernel.Money) (OrderItem, error) {
	if id < 1 {
		return OrderItem{}, kernel.Internal(ErrInvalidID, "stored order item of product %s has no number", productID)
	}
	item, err := NewOrderItem(productID, quantity, price, subTotal)
	if err != nil {
		return OrderItem{}, kernel.Internal(err, "stored order item %d is not valid", id)
	}
	item.id = id
	item.product.price = price
	return item, nil
}

// ID returns the item's number within its order.
func (i OrderItem) ID() OrderItemID { return i.id }

// Product returns the item's product.
func (i OrderItem) Product() Product { return i.product }

// Quantity returns how many of the product were ordered.
func (i OrderItem) Quantity() int { return i.quantity }

// Price returns the unit price.
func (i OrderItem) Price() kernel.Money { return i.price }

// SubTotal returns price × quantity as the client stated it.
func (i OrderItem) SubTotal() kernel.Money { return i.subTotal }

// validatePrice checks that the price is positive, is the product's price and
// multiplies to the subtotal.
func (i OrderItem) validatePrice() error {
	valid := i.price.IsGreaterThanZero() &&
		i.price.Equal(i.product.price) &&
		i.price.Multiply(i.quantity).Equal(i.subTotal)
	if !valid {
		return kernel.Invalid(ErrInvalidOrderItemPrice, "Order item price: %s is not valid for product %s", i.price, i.product.id)
	}
	return nil
}
