package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

func TestUnmarshalRestaurantFromDatabaseRefusesInvalidData(t *testing.T) {
	f := newFixture()
	p, err := domain.UnmarshalProductFromDatabase(f.available, "product_2", kernel.MustParseMoney("50"), true)
	require.NoError(t, err)

	tests := map[string]struct {
		id       kernel.RestaurantID
		products []*domain.Product
	}{
		"missing id":           {products: []*domain.Product{p}},
		"product listed twice": {id: f.restaurantID, products: []*domain.Product{p, p}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := domain.UnmarshalRestaurantFromDatabase(tt.id, true, tt.products)
			assert.ErrorIs(t, err, domain.ErrInvalidRestaurant)
			assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(err), "bad stored data is the system's fault, not the user's")
		})
	}
}

func TestRestaurantOffersOnlyItsCatalog(t *testing.T) {
	f := newFixture()
	r := f.restaurant(t, true)

	p, ok := r.Product(f.cheap)
	require.True(t, ok)
	assert.Equal(t, "20.00", p.Price().String())
	_, ok = r.Product(f.unknown)
	assert.False(t, ok)
}
