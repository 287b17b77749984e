package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func TestUnmarshalProductFromDatabaseNeedsAnID(t *testing.T) {
	_, err := domain.UnmarshalProductFromDatabase(kernel.ProductID{}, "product_1", kerneltest.Money("25.00"))

	assert.ErrorIs(t, err, domain.ErrInvalidID)
	assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(err), "bad stored data is the system's fault, not the user's")
}
