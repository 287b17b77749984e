package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

// fixture is the ids the domain tests share: one restaurant with a catalog of
// three products, one order, and a product no catalog lists.
type fixture struct {
	restaurantID kernel.RestaurantID
	orderID      kernel.OrderID
	available    kernel.ProductID // 50.00, available
	cheap        kernel.ProductID // 20.00, available
	unavailable  kernel.ProductID // 25.00, not available
	unknown      kernel.ProductID // not in the catalog
}

func newFixture() fixture {
	return fixture{
		restaurantID: kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb45"),
		orderID:      kernel.MustParseID[kernel.OrderID]("0a1b2c3d-0000-4000-8000-000000000001"),
		available:    kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb48"),
		cheap:        kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb50"),
		unavailable:  kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb47"),
		unknown:      kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb99"),
	}
}

func (f fixture) restaurant(t *testing.T, active bool) *domain.Restaurant {
	t.Helper()
	product := func(id kernel.ProductID, price string, available bool) *domain.Product {
		p, err := domain.UnmarshalProductFromDatabase(id, "product", kernel.MustParseMoney(price), available)
		require.NoError(t, err)
		return p
	}
	r, err := domain.UnmarshalRestaurantFromDatabase(f.restaurantID, active, []*domain.Product{
		product(f.available, "50.00", true),
		product(f.cheap, "20.00", true),
		product(f.unavailable, "25.00", false),
	})
	require.NoError(t, err)
	return r
}
