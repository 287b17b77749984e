package domain_test

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/order-service/internal/domain"
)

var (
	customerID   = kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb41")
	restaurantID = kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb45")
	product1ID   = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb47")
	product2ID   = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb48")
	unknownID    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb99")
	address      = kerneltest.Must(domain.NewStreetAddress("street_1", "1000AB", "Amsterdam"))
	fixedNow     = time.Date(2024, 5, 1, 12, 0, 0, 123456789, time.FixedZone("CEST", 2*3600))
)

// catalog is the restaurant's catalog entry of product_2.
var catalog = kerneltest.Must(domain.UnmarshalProductFromDatabase(product2ID, "product_2", kerneltest.Money("50.00")))

func restaurant(active bool) domain.Restaurant {
	return *kerneltest.Must(domain.UnmarshalRestaurantFromDatabase(restaurantID, active, []domain.Product{
		kerneltest.Must(domain.UnmarshalProductFromDatabase(product1ID, "product_1", kerneltest.Money("25.00"))),
		catalog,
	}))
}

func item(product kernel.ProductID, quantity int, price, subTotal string) domain.OrderItem {
	return kerneltest.Must(domain.NewOrderItem(product, quantity, kerneltest.Money(price), kerneltest.Money(subTotal)))
}

// newOrder returns a new order of restaurant_1 for customer_1 delivered to
// address.
func newOrder(price string, items ...domain.OrderItem) *domain.Order {
	return kerneltest.Must(domain.NewOrder(customerID, restaurantID, address, kerneltest.Money(price), items))
}

// sampleOrder is the original system's sample: 1 × 50 and 3 × 50 of product_2.
func sampleOrder() *domain.Order {
	return newOrder("200.00", item(product2ID, 1, "50.00", "50.00"), item(product2ID, 3, "50.00", "150.00"))
}

// orderIn returns a stored order in status with the given failure messages.
func orderIn(status kernel.OrderStatus, failures ...string) *domain.Order {
	items := []domain.OrderItem{kerneltest.Must(domain.UnmarshalOrderItemFromDatabase(1, product2ID, 4, kerneltest.Money("50.00"), kerneltest.Money("200.00")))}
	return kerneltest.Must(domain.UnmarshalOrderFromDatabase(kernel.NewID[kernel.OrderID](), customerID, restaurantID, address,
		kerneltest.Money("200.00"), items, kernel.NewID[kernel.TrackingID](), status, failures, 3))
}
