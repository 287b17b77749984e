package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

func TestUnmarshalProductFromDatabaseRefusesInvalidData(t *testing.T) {
	f := newFixture()
	tests := map[string]struct {
		id    kernel.ProductID
		price string
	}{
		"missing id":     {price: "1"},
		"negative price": {id: f.available, price: "-0.01"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := domain.UnmarshalProductFromDatabase(tt.id, "x", kernel.MustParseMoney(tt.price), true)
			assert.ErrorIs(t, err, domain.ErrInvalidProduct)
			assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(err), "bad stored data is the system's fault, not the user's")
		})
	}
}
