package dataaccess_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func TestRestaurantRepositoryFindsSeededRestaurantsWithTheirCatalog(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	restaurants := dataaccess.NewRestaurantRepository(db)

	r1, err := restaurants.FindRestaurantInformation(ctx, restaurant1)
	require.NoError(t, err)
	assert.Equal(t, kerneltest.Must(domain.UnmarshalRestaurantFromDatabase(restaurant1, true, []domain.Product{
		product(product1, "product_1", "25.00"), product(product2, "product_2", "50.00"),
	})), r1, "active, with its catalog by name")

	r2, err := restaurants.FindRestaurantInformation(ctx, restaurant2)
	require.NoError(t, err)
	assert.Equal(t, kerneltest.Must(domain.UnmarshalRestaurantFromDatabase(restaurant2, false, []domain.Product{
		product(product3, "product_3", "20.00"), product(product4, "product_4", "40.00"),
	})), r2)

	_, err = restaurants.FindRestaurantInformation(ctx, kernel.NewID[kernel.RestaurantID]())
	assert.ErrorIs(t, err, kernel.ErrNotFound)
}
