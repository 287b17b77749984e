package domain

import (
	"errors"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
)

// Product is one entry of a restaurant's catalog: what it costs there and
// whether the kitchen can make it right now.
type Product struct {
	id        kernel.ProductID
	name      string
	price     kernel.Money
	available bool
}

// ErrInvalidProduct is returned when a product is built from data that
// cannot describe one.
var ErrInvalidProduct = errors.New("invalid product")

// NewProduct returns a catalog product. The id must be set and the price must
// not be negative.
func NewProduct(id kernel.ProductID, name string, price kernel.Money, available bool) (Product, error) {
	if id.IsZero() {
		return Product{}, fmt.Errorf("%w: the id is missing", ErrInvalidProduct)
	}
	if price.IsNegative() {
		return Product{}, fmt.Errorf("%w: product %s has the negative price %s", ErrInvalidProduct, id, price)
	}
	return Product{id: id, name: name, price: price, available: available}, nil
}

// ID identifies the product.
func (p Product) ID() kernel.ProductID { return p.id }

// Name is the product's name on the menu.
func (p Product) Name() string { return p.name }

// Price is what one unit costs at the restaurant.
func (p Product) Price() kernel.Money { return p.price }

// Available reports whether the restaurant can serve the product now.
func (p Product) Available() bool { return p.available }
