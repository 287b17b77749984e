package domain

import "github.com/food-ordering-system/common/kernel"

// Product is a dish as a restaurant's catalog lists it. An order item first
// knows only the product's id; the name and price are confirmed from the
// catalog when the order is initiated.
type Product struct {
	ID    kernel.ProductID
	Name  string
	Price kernel.Money
}

// NewProductRef returns a product known only by its id, as a client names it.
func NewProductRef(id kernel.ProductID) Product { return Product{ID: id} }

// confirmedBy returns the product with the name and price of the catalog
// entry of the same id.
func (p Product) confirmedBy(catalog Product) Product {
	p.Name = catalog.Name
	p.Price = catalog.Price
	return p
}
