package dataaccess_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/restaurant-service/internal/dataaccess"
	"github.com/food-ordering-system/restaurant-service/migrations"
)

func TestRestaurantRepositoryReadsTheSeededCatalog(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	repo := dataaccess.NewRestaurantRepository(db)
	ctx := context.Background()

	r1, err := repo.FindRestaurantInformation(ctx, restaurant1, []kernel.ProductID{product1, product2, product3})
	require.NoError(t, err)
	assert.Equal(t, restaurant1, r1.ID())
	assert.True(t, r1.Active())
	p1, ok := r1.Product(product1)
	require.True(t, ok)
	assert.Equal(t, "product_1", p1.Name())
	assert.Equal(t, "25.00", p1.Price().String())
	assert.False(t, p1.Available())
	p2, ok := r1.Product(product2)
	require.True(t, ok)
	assert.Equal(t, "50.00", p2.Price().String())
	assert.True(t, p2.Available())
	_, ok = r1.Product(product3)
	assert.False(t, ok, "product_3 belongs to restaurant_2, not restaurant_1")

	r2, err := repo.FindRestaurantInformation(ctx, restaurant2, []kernel.ProductID{product4})
	require.NoError(t, err)
	assert.False(t, r2.Active())
	p4, ok := r2.Product(product4)
	require.True(t, ok)
	assert.Equal(t, "40.00", p4.Price().String())
	assert.True(t, p4.Available())
	_, ok = r2.Product(product3)
	assert.False(t, ok, "only the products asked for are loaded")
}

func TestRestaurantRepositoryUnknownRestaurantIsNotFound(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)

	_, err := dataaccess.NewRestaurantRepository(db).
		FindRestaurantInformation(context.Background(), kernel.NewID[kernel.RestaurantID](), []kernel.ProductID{product2})
	assert.ErrorIs(t, err, kernel.ErrNotFound)
}
