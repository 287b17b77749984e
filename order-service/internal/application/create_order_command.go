package application

import (
	"errors"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
)

// CreateOrderCommand is a client's order.
type CreateOrderCommand struct {
	CustomerID   kernel.CustomerID
	RestaurantID kernel.RestaurantID
	Price        kernel.Money
	Items        []OrderItemCommand
	Address      OrderAddress
}

// OrderItemCommand is one line of a CreateOrderCommand.
type OrderItemCommand struct {
	ProductID kernel.ProductID
	Quantity  int
	Price     kernel.Money
	SubTotal  kernel.Money
}

// OrderAddress is the delivery address of a CreateOrderCommand.
type OrderAddress struct {
	Street     string
	PostalCode string
	City       string
}

// DefaultMaxOrderItems is the most lines an order may have when the
// configuration does not say.
const DefaultMaxOrderItems = 100

// Validate checks the command's shape before any rule of the domain is
// applied: every field is present, amounts are not negative, each subtotal is
// price × quantity and there are between 1 and maxItems lines. It returns a
// kernel.ECodeInvalid error naming the first field at fault (as the API names
// it). The domain still enforces the business rules (catalog prices, total).
func (c CreateOrderCommand) Validate(maxItems int) error {
	if maxItems <= 0 {
		maxItems = DefaultMaxOrderItems
	}
	var problems []string
	if c.CustomerID.IsZero() {
		problems = append(problems, "customerId is required")
	}
	if c.RestaurantID.IsZero() {
		problems = append(problems, "restaurantId is required")
	}
	if c.Address.Street == "" {
		problems = append(problems, "address.street is required")
	}
	if c.Address.PostalCode == "" {
		problems = append(problems, "address.postalCode is required")
	}
	if c.Address.City == "" {
		problems = append(problems, "address.city is required")
	}
	if c.Price.IsNegative() {
		problems = append(problems, "price must not be negative")
	}
	switch {
	case len(c.Items) == 0:
		problems = append(problems, "items must not be empty")
	case len(c.Items) > maxItems:
		problems = append(problems, fmt.Sprintf("items must not have more than %d entries", maxItems))
	default:
		for i, item := range c.Items {
			problems = append(problems, item.problems(fmt.Sprintf("items[%d]", i))...)
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return &kernel.Error{Code: kernel.ECodeInvalid, Message: problems[0], Err: errors.New(fmt.Sprint(problems))}
}

func (c OrderItemCommand) problems(field string) []string {
	var problems []string
	if c.ProductID.IsZero() {
		problems = append(problems, field+".productId is required")
	}
	if c.Quantity < 1 {
		problems = append(problems, field+".quantity must be at least 1")
	}
	if c.Price.IsNegative() {
		problems = append(problems, field+".price must not be negative")
	}
	if c.SubTotal.IsNegative() {
		problems = append(problems, field+".subTotal must not be negative")
	}
	if len(problems) == 0 && !c.Price.Multiply(c.Quantity).Equal(c.SubTotal) {
		problems = append(problems, fmt.Sprintf("%s.subTotal %s is not price %s × quantity %d", field, c.SubTotal, c.Price, c.Quantity))
	}
	return problems
}
