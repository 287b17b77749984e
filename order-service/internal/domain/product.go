package domain

import "github.com/food-ordering-system/common/kernel"

// Product is a dish as a restaurant's catalog lists it. An order item first
// knows only the product's id; the name and price are confirmed from the
// catalog when the order is initiated.
type Product struct {
	id    kernel.ProductID
	name  string
	price kernel.Money
}

// UnmarshalProductFromDatabase rebuilds a stored catalog entry. A missing id
// is an error matching ErrInvalidID. The price is not checked here: an order
// item priced as a product without a positive price fails the order's
// validation.
func UnmarshalProductFromDatabase(id kernel.ProductID, name string, price kernel.Money) (Product, error) {
	if id.IsZero() {
		return Product{}, kernel.Internal(ErrInvalidID, "stored product %q has no id", name)
	}
	return Product{id: id, name: name, price: price}, nil
}

// ID returns the product's id.
func (p Product) ID() kernel.ProductID { return p.id }

// confirmedBy returns the product with the name and price of the catalog
// entry of the same id.
func (p Product) confirmedBy(catalog Product) Product {
	p.name = catalog.name
	p.price = catalog.price
	return p
}
