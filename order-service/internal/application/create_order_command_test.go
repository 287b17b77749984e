package application_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/internal/application"
)

func TestCreateOrderCommandValidate(t *testing.T) {
	tests := []struct {
		name    string
		change  func(c *application.CreateOrderCommand)
		message string
	}{
		{"valid", func(*application.CreateOrderCommand) {}, ""},
		{"customer missing", func(c *application.CreateOrderCommand) { c.CustomerID = kernel.CustomerID{} }, "customerId is required"},
		{"restaurant missing", func(c *application.CreateOrderCommand) { c.RestaurantID = kernel.RestaurantID{} }, "restaurantId is required"},
		{"street missing", func(c *application.CreateOrderCommand) { c.Address.Street = "" }, "address.street is required"},
		{"postal code missing", func(c *application.CreateOrderCommand) { c.Address.PostalCode = "" }, "address.postalCode is required"},
		{"city missing", func(c *application.CreateOrderCommand) { c.Address.City = "" }, "address.city is required"},
		{"negative price", func(c *application.CreateOrderCommand) { c.Price = money("-1") }, "price must not be negative"},
		{"no items", func(c *application.CreateOrderCommand) { c.Items = nil }, "items must not be empty"},
		{"too many items", func(c *application.CreateOrderCommand) {
			c.Items = append(c.Items, c.Items...)
		}, "items must not have more than 3 entries"},
		{"product missing", func(c *application.CreateOrderCommand) { c.Items[1].ProductID = kernel.ProductID{} }, "items[1].productId is required"},
		{"quantity zero", func(c *application.CreateOrderCommand) { c.Items[0].Quantity = 0 }, "items[0].quantity must be at least 1"},
		{"negative item price", func(c *application.CreateOrderCommand) { c.Items[0].Price = money("-50") }, "items[0].price must not be negative"},
		{"negative subtotal", func(c *application.CreateOrderCommand) { c.Items[0].SubTotal = money("-50") }, "items[0].subTotal must not be negative"},
		{"subtotal not price × quantity", func(c *application.CreateOrderCommand) { c.Items[1].SubTotal = money("140") },
			"items[1].subTotal 140.00 is not price 50.00 × quantity 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := sampleCommand()
			tt.change(&cmd)

			err := cmd.Validate(3)

			if tt.message == "" {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
			assert.Equal(t, tt.message, kernel.ErrorMessageOf(err))
		})
	}
}
