package dataaccess_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func TestRestaurantRepositoryFindsSeededRestaurantsWithTheirCatalog(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	restaurants := dataaccess.NewRestaurantRepository(db)

	r1, err := restaurants.FindRestaurantInformation(ctx, restaurant1)
	require.NoError(t, err)
	assert.True(t, r1.Active)
	require.Len(t, r1.Products, 2)
	assert.Equal(t, domain.Product{ID: product1, Name: "product_1", Price: money("25.00")}.ID, r1.Products[0].ID)
	assert.Equal(t, "product_1", r1.Products[0].Name)
	assert.True(t, money("25").Equal(r1.Products[0].Price))
	assert.Equal(t, product2, r1.Products[1].ID)
	assert.True(t, money("50").Equal(r1.Products[1].Price))

	r2, err := restaurants.FindRestaurantInformation(ctx, restaurant2)
	require.NoError(t, err)
	assert.False(t, r2.Active)
	require.Len(t, r2.Products, 2)
	assert.Equal(t, []kernel.ProductID{product3, product4}, []kernel.ProductID{r2.Products[0].ID, r2.Products[1].ID})

	_, err = restaurants.FindRestaurantInformation(ctx, kernel.NewID[kernel.RestaurantID]())
	assert.ErrorIs(t, err, application.ErrNotFound)
}
