package domain

import "github.com/food-ordering-system/common/kernel"

// Restaurant is order-service's read model of a restaurant: whether it takes
// orders and the products it sells.
type Restaurant struct {
	ID       kernel.RestaurantID
	Products []Product
	Active   bool
}

// product returns the catalog entry with the given id.
func (r Restaurant) product(id kernel.ProductID) (Product, bool) {
	for _, p := range r.Products {
		if p.ID == id {
			return p, true
		}
	}
	return Product{}, false
}
