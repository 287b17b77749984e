package application_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
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
		{"street with NUL, which PostgreSQL text cannot hold", func(c *application.CreateOrderCommand) { c.Address.Street = "street\x00_1" },
			"address.street must be printable text"},
		{"city not UTF-8", func(c *application.CreateOrderCommand) { c.Address.City = "Amster\xffdam" }, "address.city must be printable text"},
		{"postal code too long", func(c *application.CreateOrderCommand) { c.Address.PostalCode = strings.Repeat("9", 201) },
			"address.postalCode must not be longer than 200 characters"},
		{"postal code missing", func(c *application.CreateOrderCommand) { c.Address.PostalCode = "" }, "address.postalCode is required"},
		{"city missing", func(c *application.CreateOrderCommand) { c.Address.City = "" }, "address.city is required"},
		{"negative price", func(c *application.CreateOrderCommand) { c.Price = kerneltest.Money("-1") }, "price must not be negative"},
		{"no items", func(c *application.CreateOrderCommand) { c.Items = nil }, "items must not be empty"},
		{"too many items", func(c *application.CreateOrderCommand) {
			c.Items = append(c.Items, c.Items...)
		}, "items must not have more than 3 entries"},
		{"product missing", func(c *application.CreateOrderCommand) { c.Items[1].ProductID = kernel.ProductID{} }, "items[1].productId is required"},
		{"quantity zero", func(c *application.CreateOrderCommand) { c.Items[0].Quantity = 0 }, "items[0].quantity must be at least 1"},
		{"negative item price", func(c *application.CreateOrderCommand) { c.Items[0].Price = kerneltest.Money("-50") }, "items[0].price must not be negative"},
		{"negative subtotal", func(c *application.CreateOrderCommand) { c.Items[0].SubTotal = kerneltest.Money("-50") }, "items[0].subTotal must not be negative"},
		{"subtotal not price × quantity", func(c *application.CreateOrderCommand) { c.Items[1].SubTotal = kerneltest.Money("140") },
			"items[1].subTotal 140.00 is not price 50.00 × quantity 3"},

		// Bounds: what the integer and numeric(12,2) columns can hold.
		{"quantity at the maximum", func(c *application.CreateOrderCommand) {
			c.Items[0].Quantity, c.Items[0].SubTotal, c.Price = 10000, kerneltest.Money("500000.00"), kerneltest.Money("500150.00")
		}, ""},
		{"quantity over the maximum", func(c *application.CreateOrderCommand) { c.Items[0].Quantity = 10001 }, "items[0].quantity must be at most 10000"},
		{"quantity beyond int32", func(c *application.CreateOrderCommand) { c.Items[0].Quantity = 3000000000 }, "items[0].quantity must be at most 10000"},
		{"price at the maximum", func(c *application.CreateOrderCommand) {
			c.Price = kerneltest.Money("9999999999.99")
		}, ""},
		{"price over the maximum", func(c *application.CreateOrderCommand) { c.Price = kerneltest.Money("10000000000") }, "price must be at most 9999999999.99"},
		{"item price over the maximum", func(c *application.CreateOrderCommand) {
			c.Items[0].Price, c.Items[0].SubTotal = kerneltest.Money("10000000000"), kerneltest.Money("10000000000")
		}, "items[0].price must be at most 9999999999.99"},
		{"subtotal over the maximum", func(c *application.CreateOrderCommand) {
			c.Items[1].Price, c.Items[1].SubTotal = kerneltest.Money("3333333333.34"), kerneltest.Money("10000000000.02")
		}, "items[1].subTotal must be at most 9999999999.99"},
		{"price × quantity would overflow", func(c *application.CreateOrderCommand) {
			c.Items[1].Price, c.Items[1].Quantity, c.Items[1].SubTotal = kerneltest.Money("9999999999.99"), 10000, kerneltest.Money("9999999999.99")
		}, "items[1].subTotal 9999999999.99 is not price 9999999999.99 × quantity 10000"},
		{"consistent order whose total is over the maximum", func(c *application.CreateOrderCommand) {
			c.Items[0] = application.OrderItemCommand{ProductID: productID, Quantity: 10, Price: kerneltest.Money("600000000.00"), SubTotal: kerneltest.Money("6000000000.00")}
			c.Items[1] = c.Items[0]
			c.Price = kerneltest.Money("12000000000.00")
		}, "price must be at most 9999999999.99"},

		{"idempotency key", func(c *application.CreateOrderCommand) { c.IdempotencyKey = "order-7f3a 2024-05-01" }, ""},
		{"idempotency key of 255 characters", func(c *application.CreateOrderCommand) { c.IdempotencyKey = strings.Repeat("k", 255) }, ""},
		{"idempotency key too long", func(c *application.CreateOrderCommand) { c.IdempotencyKey = strings.Repeat("k", 256) },
			"Idempotency-Key must be 1 to 255 printable ASCII characters"},
		{"idempotency key not ASCII", func(c *application.CreateOrderCommand) { c.IdempotencyKey = "clé" },
			"Idempotency-Key must be 1 to 255 printable ASCII characters"},
		{"idempotency key with a control character", func(c *application.CreateOrderCommand) { c.IdempotencyKey = "a\tb" },
			"Idempotency-Key must be 1 to 255 printable ASCII characters"},
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

func TestRequestHashIsTheOrderNotItsSpelling(t *testing.T) {
	cmd := sampleCommand()
	same := sampleCommand()
	same.Price = kerneltest.Money("200") // 200 and 200.00 are one amount
	same.IdempotencyKey = "k-1"          // the key is not part of the request
	assert.Equal(t, cmd.RequestHash(), same.RequestHash())
	assert.Len(t, cmd.RequestHash(), 64, "hex SHA-256")

	changes := map[string]func(c *application.CreateOrderCommand){
		"customer":      func(c *application.CreateOrderCommand) { c.CustomerID = kernel.NewID[kernel.CustomerID]() },
		"restaurant":    func(c *application.CreateOrderCommand) { c.RestaurantID = kernel.NewID[kernel.RestaurantID]() },
		"price":         func(c *application.CreateOrderCommand) { c.Price = kerneltest.Money("200.01") },
		"street":        func(c *application.CreateOrderCommand) { c.Address.Street = "street_2" },
		"postal code":   func(c *application.CreateOrderCommand) { c.Address.PostalCode = "1000AC" },
		"city":          func(c *application.CreateOrderCommand) { c.Address.City = "Utrecht" },
		"quantity":      func(c *application.CreateOrderCommand) { c.Items[0].Quantity = 2 },
		"item price":    func(c *application.CreateOrderCommand) { c.Items[0].Price = kerneltest.Money("49.99") },
		"subtotal":      func(c *application.CreateOrderCommand) { c.Items[0].SubTotal = kerneltest.Money("49.99") },
		"product":       func(c *application.CreateOrderCommand) { c.Items[0].ProductID = kernel.NewID[kernel.ProductID]() },
		"items swapped": func(c *application.CreateOrderCommand) { c.Items[0], c.Items[1] = c.Items[1], c.Items[0] },
		"item dropped":  func(c *application.CreateOrderCommand) { c.Items = c.Items[:1] },
	}
	for name, change := range changes {
		other := sampleCommand()
		change(&other)
		assert.NotEqual(t, cmd.RequestHash(), other.RequestHash(), name)
	}
}
