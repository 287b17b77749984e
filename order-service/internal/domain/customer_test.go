package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func TestNewCustomerNeedsAnID(t *testing.T) {
	_, err := domain.NewCustomer(kernel.CustomerID{})

	assert.ErrorIs(t, err, domain.ErrInvalidID)
	assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
	assert.Equal(t, "Customer needs an id!", kernel.ErrorMessageOf(err))
}
