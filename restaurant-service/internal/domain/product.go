package domain

import "github.com/food-ordering-system/common/kernel"

// Product is one entry of a restaurant's catalog: what it costs there and
// whether the kitchen can make it right now.
type Product struct {
	id        kernel.ProductID
	name      string
	price     kernel.Money
	available bool
}

// UnmarshalProductFromDatabase rebuilds a catalog product from stored values.
// The id must be set and the price must not be negative; either failing is
// an error matching ErrInvalidProduct.
func UnmarshalProductFromDatabase(id kernel.ProductID, name string, price kernel.Money, available bool) (*Product, error) {
	if id.IsZero() {
		return nil, kernel.Internal(ErrInvalidProduct, "stored product %q has no id", name)
	}
	if price.IsNegative() {
		return nil, kernel.Internal(ErrInvalidProduct, "product %s has the negative price %s", id, price)
	}
	return &Product{id: id, name: name, price: price, available: available}, nil
}

// ID identifies the product.
func (p *Product) ID() kernel.ProductID { return p.id }

// Name is the product's name on the menu.
func (p *Product) Name() string { return p.name }

// Price is what one unit costs at the restaurant.
func (p *Product) Price() kernel.Money { return p.price }

// Available reports whether the restaurant can serve the product now.
func (p *Product) Available() bool { return p.available }
