package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func TestNewOrderItemRefusals(t *testing.T) {
	tests := []struct {
		name     string
		product  kernel.ProductID
		quantity int
		rule     error
		message  string
	}{
		{"no product", kernel.ProductID{}, 1, domain.ErrInvalidID, "Order item needs a product id!"},
		{"quantity zero", product2ID, 0, domain.ErrInvalidOrderItemQuantity, "Order item quantity: 0 is not valid for product d215b5f8-0249-4dc5-89a3-51fd148cfb48"},
		{"quantity negative", product2ID, -1, domain.ErrInvalidOrderItemQuantity, "Order item quantity: -1 is not valid for product d215b5f8-0249-4dc5-89a3-51fd148cfb48"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := domain.NewOrderItem(tt.product, tt.quantity, kerneltest.Money("50.00"), kerneltest.Money("50.00"))

			assert.ErrorIs(t, err, tt.rule)
			assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
			assert.Equal(t, tt.message, kernel.ErrorMessageOf(err))
		})
	}
}

func TestUnmarshalOrderItemFromDatabase(t *testing.T) {
	it, err := domain.UnmarshalOrderItemFromDatabase(2, product2ID, 3, kerneltest.Money("50.00"), kerneltest.Money("150.00"))
	require.NoError(t, err)
	assert.Equal(t, domain.OrderItemID(2), it.ID())
	assert.Equal(t, product2ID, it.Product().ID())
	assert.Equal(t, 3, it.Quantity())
	assert.Equal(t, "50.00", it.Price().String())
	assert.Equal(t, "150.00", it.SubTotal().String())

	_, err = domain.UnmarshalOrderItemFromDatabase(0, product2ID, 3, kerneltest.Money("50.00"), kerneltest.Money("150.00"))
	assert.ErrorIs(t, err, domain.ErrInvalidID, "an item without its number")
	assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(err))

	_, err = domain.UnmarshalOrderItemFromDatabase(1, product2ID, 0, kerneltest.Money("50.00"), kerneltest.Money("0"))
	assert.ErrorIs(t, err, domain.ErrInvalidOrderItemQuantity)
	assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(err), "a broken stored item is the system's fault")
}
