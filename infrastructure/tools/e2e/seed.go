package e2e

import "github.com/food-ordering-system/common/kernel"

// The reference data the services insert with postgres.seed, which System
// sets (architecture.md; each service's migrations/seed/development.sql), with
// the ids of the original system that the walkthrough uses.
var (
	// SampleCustomerID is customer ...cfb41, seeded with 500.00 of credit.
	SampleCustomerID = kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb41")
	// LowCreditCustomerID is customer ...cfb43, seeded with 100.00 of credit:
	// too little for the sample order.
	LowCreditCustomerID = kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb43")
	// SampleRestaurantID is restaurant_1 (...cfb45), active.
	SampleRestaurantID = kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb45")
	// AvailableProductID is product_2 (...cfb48) of restaurant_1, 50.00.
	AvailableProductID = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb48")
	// UnavailableProductID is product_1 (...cfb47) of restaurant_1, 25.00,
	// which the restaurant refuses: it is not available.
	UnavailableProductID = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb47")
)

// Catalog prices of the seeded products of restaurant_1.
var (
	AvailableProductPrice   = kernel.MustParseMoney("50.00")
	UnavailableProductPrice = kernel.MustParseMoney("25.00")
)

// SampleAddress is the delivery address of the sample order.
var SampleAddress = Address{Street: "street_1", PostalCode: "1000AB", City: "Amsterdam"}

// SampleOrder is the walkthrough's sample order for customer: restaurant_1,
// two lines of product ...cfb48 (1 and 3 at 50.00), 200.00 in total.
func SampleOrder(customer kernel.CustomerID) OrderRequest {
	return NewOrderRequest(customer, SampleRestaurantID, SampleAddress,
		Line{Product: AvailableProductID, Quantity: 1, Price: AvailableProductPrice},
		Line{Product: AvailableProductID, Quantity: 3, Price: AvailableProductPrice})
}

// UnavailableProductOrder is an order of quantity × product ...cfb47 at
// restaurant_1: it is paid, then rejected by the restaurant and refunded.
func UnavailableProductOrder(customer kernel.CustomerID, quantity int) OrderRequest {
	return NewOrderRequest(customer, SampleRestaurantID, SampleAddress,
		Line{Product: UnavailableProductID, Quantity: quantity, Price: UnavailableProductPrice})
}

// Line is one line of an order to build with NewOrderRequest.
type Line struct {
	Product  kernel.ProductID
	Quantity int
	Price    kernel.Money
}

// NewOrderRequest builds a consistent order: each line's subTotal is price ×
// quantity and the order's price is their sum.
func NewOrderRequest(customer kernel.CustomerID, restaurant kernel.RestaurantID, address Address, lines ...Line) OrderRequest {
	req := OrderRequest{CustomerID: customer, RestaurantID: restaurant, Address: address, Items: make([]OrderItem, len(lines))}
	for i, l := range lines {
		sub := l.Price.Multiply(l.Quantity)
		req.Items[i] = OrderItem{ProductID: l.Product, Quantity: l.Quantity, Price: l.Price, SubTotal: sub}
		req.Price = req.Price.Add(sub)
	}
	return req
}
