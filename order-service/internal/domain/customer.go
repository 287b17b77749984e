package domain

import "github.com/food-ordering-system/common/kernel"

// Customer is order-service's read model of a customer: all it needs to know
// is that the customer exists.
type Customer struct {
	id kernel.CustomerID
}

// NewCustomer returns the customer with the given id, which must be set.
func NewCustomer(id kernel.CustomerID) (*Customer, error) {
	if id.IsZero() {
		return nil, kernel.Invalid(ErrInvalidID, "Customer needs an id!")
	}
	return &Customer{id: id}, nil
}
