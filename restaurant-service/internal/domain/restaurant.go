package domain

import (
	"fmt"

	"github.com/food-ordering-system/common/kernel"
)

// Restaurant is the aggregate an approval is asked of: whether it takes
// orders at all, and the part of its catalog an order refers to.
type Restaurant struct {
	id       kernel.RestaurantID
	active   bool
	products map[kernel.ProductID]*Product
}

// UnmarshalRestaurantFromDatabase rebuilds a restaurant with the given catalog
// products from stored values. The catalog may be partial: repositories load
// only the products an order names. A missing id or a product listed twice is
// an error matching ErrInvalidRestaurant.
func UnmarshalRestaurantFromDatabase(id kernel.RestaurantID, active bool, products []*Product) (*Restaurant, error) {
	if id.IsZero() {
		return nil, kernel.Internal(ErrInvalidRestaurant, "stored restaurant has no id")
	}
	catalog := make(map[kernel.ProductID]*Product, len(products))
	for _, p := range products {
		if _, dup := catalog[p.ID()]; dup {
			return nil, kernel.Internal(ErrInvalidRestaurant, "restaurant %s lists product %s twice", id, p.ID())
		}
		catalog[p.ID()] = p
	}
	return &Restaurant{id: id, active: active, products: catalog}, nil
}

// ID identifies the restaurant.
func (r *Restaurant) ID() kernel.RestaurantID { return r.id }

// Active reports whether the restaurant takes orders.
func (r *Restaurant) Active() bool { return r.active }

// Product returns the catalog entry for id, and false when the restaurant does
// not offer that product.
func (r *Restaurant) Product(id kernel.ProductID) (*Product, bool) {
	p, ok := r.products[id]
	return p, ok
}

// validateOrder checks order against the restaurant and its catalog and
// returns one message per broken rule, in a stable order: restaurant, payment,
// each product line as ordered, total. No message means the order can be
// approved.
func (r *Restaurant) validateOrder(order OrderDetail) []string {
	var failures []string
	if !r.active {
		failures = append(failures, fmt.Sprintf("Restaurant with id %s is not active", r.id))
	}
	if order.Status() != kernel.OrderStatusPaid {
		failures = append(failures, fmt.Sprintf("Payment is not completed for order: %s", order.OrderID()))
	}
	total := kernel.ZeroMoney
	priced := true
	for _, line := range order.Lines() {
		product, ok := r.Product(line.ProductID())
		if !ok {
			// Without a catalog price the total cannot be checked; saying it
			// is wrong as well would only add noise.
			failures = append(failures, fmt.Sprintf("Product with id: %s is not offered by restaurant with id: %s", line.ProductID(), r.id))
			priced = false
			continue
		}
		if !product.Available() {
			failures = append(failures, fmt.Sprintf("Product with id: %s is not available", line.ProductID()))
		}
		total = total.Add(product.Price().Multiply(line.Quantity()))
	}
	if priced && !total.Equal(order.Total()) {
		failures = append(failures, fmt.Sprintf("Price total is not correct for order: %s", order.OrderID()))
	}
	return failures
}
