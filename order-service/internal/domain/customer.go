package domain

import "github.com/food-ordering-system/common/kernel"

// Customer is order-service's read model of a customer: all it needs to know
// is that the customer exists.
type Customer struct {
	ID kernel.CustomerID
}
