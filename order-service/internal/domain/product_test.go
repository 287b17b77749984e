package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func TestNewProductNeedsAnID(t *testing.T) {
	_, err := domain.NewProduct(kernel.ProductID{}, "product_1", kerneltest.Money("25.00"))

	assert.ErrorIs(t, err, domain.ErrMissingID)
	assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
	assert.Equal(t, "Product needs an id!", kernel.ErrorMessageOf(err))
}
