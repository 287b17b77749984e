package domain

import (
	"slices"

	"github.com/food-ordering-system/common/kernel"
)

// Restaurant is order-service's read model of a restaurant: whether it takes
// orders and the products it sells.
type Restaurant struct {
	id       kernel.RestaurantID
	products []Product
	active   bool
}

// UnmarshalRestaurantFromDatabase rebuilds a stored restaurant with its
// catalog. A missing id is an error matching ErrInvalidID.
func UnmarshalRestaurantFromDatabase(id kernel.RestaurantID, active bool, products []Product) (*Restaurant, error) {
	if id.IsZero() {
		return nil, kernel.Internal(ErrInvalidID, "stored restaurant has no id")
	}
	return &Restaurant{id: id, active: active, products: slices.Clone(products)}, nil
}

// product returns the catalog entry with the given id.
func (r Restaurant) product(id kernel.ProductID) (Product, bool) {
	for _, p := range r.products {
		if p.id == id {
			return p, true
		}
	}
	return Product{}, false
}
