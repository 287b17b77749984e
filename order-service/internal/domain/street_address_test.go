package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func TestNewStreetAddress(t *testing.T) {
	a, err := domain.NewStreetAddress("street_1", "1000AB", "Amsterdam")
	require.NoError(t, err)
	assert.Equal(t, []string{"street_1", "1000AB", "Amsterdam"}, []string{a.Street(), a.PostalCode(), a.City()})

	for _, parts := range [][3]string{{"", "1000AB", "Amsterdam"}, {"street_1", "", "Amsterdam"}, {"street_1", "1000AB", ""}} {
		_, err := domain.NewStreetAddress(parts[0], parts[1], parts[2])
		assert.ErrorIs(t, err, domain.ErrInvalidStreetAddress, "%q", parts)
		assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
		assert.Equal(t, "Street address needs a street, a postal code and a city!", kernel.ErrorMessageOf(err))

		_, err = domain.UnmarshalStreetAddressFromDatabase(parts[0], parts[1], parts[2])
		assert.ErrorIs(t, err, domain.ErrInvalidStreetAddress)
		assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(err), "a broken stored address is the system's fault")
	}
}
