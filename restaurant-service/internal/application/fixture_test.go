package application_test

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// The seeded catalog's ids the use case tests share, and the clock they
// stop.
var (
	restaurant1 = kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb45")
	product1    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb47") // 25.00, not available
	product2    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb48") // 50.00, available
	product9    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb99") // not offered
	now         = time.Date(2025, 3, 1, 10, 30, 0, 0, time.UTC)
)
