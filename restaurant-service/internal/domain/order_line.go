package domain

import "github.com/food-ordering-system/common/kernel"

// OrderLine is one line of an order: a product and how many of it. It is
// checked by NewOrderDetail, because its failure messages name the line's
// place in the order and the order's id.
type OrderLine struct {
	productID kernel.ProductID
	quantity  int
}

// NewOrderLine returns the line ordering quantity of the product.
func NewOrderLine(productID kernel.ProductID, quantity int) OrderLine {
	return OrderLine{productID: productID, quantity: quantity}
}

// ProductID is the product ordered.
func (l OrderLine) ProductID() kernel.ProductID { return l.productID }

// Quantity is how many of the product are ordered.
func (l OrderLine) Quantity() int { return l.quantity }
