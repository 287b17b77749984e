package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func TestOrderInitializeOnlyOnce(t *testing.T) {
	order := sampleOrder()
	require.NoError(t, order.Initialize())
	id := order.ID()

	err := order.Initialize()

	assert.ErrorIs(t, err, domain.ErrOrderState)
	assert.Equal(t, "Order is not in correct state for initialization!", err.Error())
	assert.Equal(t, id, order.ID())
}

func TestRestoreOrderKeepsState(t *testing.T) {
	items := []domain.OrderItem{domain.RestoreOrderItem(1, kernel.OrderID{}, domain.Product{ID: product2ID}, 2, money("50"), money("100"))}
	snap := domain.OrderSnapshot{
		ID: kernel.NewID[kernel.OrderID](), CustomerID: customerID, RestaurantID: restaurantID,
		DeliveryAddress: address, Price: money("100"), Items: items, TrackingID: kernel.NewID[kernel.TrackingID](),
		Status: kernel.OrderStatusPaid, FailureMessages: []string{"x"}, Version: 7,
	}
	order := domain.RestoreOrder(snap)

	assert.Equal(t, snap.ID, order.ID())
	assert.Equal(t, snap.TrackingID, order.TrackingID())
	assert.Equal(t, address, order.DeliveryAddress())
	assert.Equal(t, items, order.Items())
	assert.Equal(t, 7, order.Version())
	assert.Equal(t, kernel.OrderStatusPaid, order.Status())

	snap.FailureMessages[0] = "changed"
	assert.Equal(t, []string{"x"}, order.FailureMessages(), "the order owns its copy")
}
