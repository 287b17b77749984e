package domain_test

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/internal/domain"
)

var (
	customerID   = kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb41")
	restaurantID = kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb45")
	product1ID   = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb47")
	product2ID   = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb48")
	unknownID    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb99")
	address      = domain.StreetAddress{Street: "street_1", PostalCode: "1000AB", City: "Amsterdam"}
	fixedNow     = time.Date(2024, 5, 1, 12, 0, 0, 123456789, time.FixedZone("CEST", 2*3600))
)

func money(s string) kernel.Money { return kernel.MustParseMoney(s) }

func restaurant(active bool) domain.Restaurant {
	return domain.Restaurant{
		ID:     restaurantID,
		Active: active,
		Products: []domain.Product{
			{ID: product1ID, Name: "product_1", Price: money("25.00")},
			{ID: product2ID, Name: "product_2", Price: money("50.00")},
		},
	}
}

func item(product kernel.ProductID, quantity int, price, subTotal string) domain.OrderItem {
	return domain.NewOrderItem(domain.NewProductRef(product), quantity, money(price), money(subTotal))
}

// sampleOrder is the original system's sample: 1 × 50 and 3 × 50 of product_2.
func sampleOrder() *domain.Order {
	return domain.NewOrder(customerID, restaurantID, address, money("200.00"), []domain.OrderItem{
		item(product2ID, 1, "50.00", "50.00"),
		item(product2ID, 3, "50.00", "150.00"),
	})
}

func orderIn(status kernel.OrderStatus, failures ...string) *domain.Order {
	return domain.RestoreOrder(domain.OrderSnapshot{
		ID:              kernel.NewID[kernel.OrderID](),
		CustomerID:      customerID,
		RestaurantID:    restaurantID,
		Price:           money("200.00"),
		TrackingID:      kernel.NewID[kernel.TrackingID](),
		Status:          status,
		FailureMessages: failures,
		Version:         3,
	})
}
