package domain

import "github.com/food-ordering-system/common/kernel"

// Customer is order-service's read model of a customer: all it needs to know
// is that the customer exists.
type Customer struct {
	id kernel.CustomerID
}

// UnmarshalCustomerFromDatabase rebuilds a stored customer. A missing id is
// an error matching ErrInvalidID.
func UnmarshalCustomerFromDatabase(id kernel.CustomerID) (*Customer, error) {
	if id.IsZero() {
		return nil, kernel.Internal(ErrInvalidID, "stored customer has no id")
	}
	return &Customer{id: id}, nil
}
