package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func TestNewOrderRefusesWhatItCanCheckWithoutTheRestaurant(t *testing.T) {
	items := []domain.OrderItem{item(product2ID, 1, "50.00", "50.00")}
	tests := []struct {
		name       string
		customer   kernel.CustomerID
		restaurant kernel.RestaurantID
		address    domain.StreetAddress
		items      []domain.OrderItem
		rule       error
		message    string
	}{
		{"no customer", kernel.CustomerID{}, restaurantID, address, items, domain.ErrInvalidID, "Order needs a customer id!"},
		{"no restaurant", customerID, kernel.RestaurantID{}, address, items, domain.ErrInvalidID, "Order needs a restaurant id!"},
		{"no address", customerID, restaurantID, domain.StreetAddress{}, items, domain.ErrInvalidStreetAddress, "Order needs a delivery address!"},
		{"no items", customerID, restaurantID, address, nil, domain.ErrInvalidOrderItems, "Order needs at least one item!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			order, err := domain.NewOrder(tt.customer, tt.restaurant, tt.address, kerneltest.Money("50.00"), tt.items)

			assert.Nil(t, order)
			assert.ErrorIs(t, err, tt.rule)
			assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
			assert.Equal(t, tt.message, kernel.ErrorMessageOf(err))
		})
	}
}

func TestNewOrderIsNotInitialized(t *testing.T) {
	order := sampleOrder()

	assert.True(t, order.ID().IsZero())
	assert.True(t, order.TrackingID().IsZero())
	assert.Empty(t, order.Status())
	assert.Equal(t, address, order.DeliveryAddress())
	assert.Equal(t, "200.00", order.Price().String())
	require.Len(t, order.Items(), 2)
	assert.Equal(t, domain.OrderItemID(0), order.Items()[0].ID(), "items are numbered when the order is initialized")
}

func TestOrderInitializeOnlyOnce(t *testing.T) {
	order := sampleOrder()
	require.NoError(t, order.Initialize())
	id := order.ID()

	err := order.Initialize()

	assert.ErrorIs(t, err, domain.ErrOrderState)
	assert.Equal(t, "Order is not in correct state for initialization!", kernel.ErrorMessageOf(err))
	assert.Equal(t, id, order.ID())
}

func TestUnmarshalOrderFromDatabaseKeepsState(t *testing.T) {
	items := []domain.OrderItem{kerneltest.Must(domain.UnmarshalOrderItemFromDatabase(1, product2ID, 2, kerneltest.Money("50"), kerneltest.Money("100")))}
	id, trackingID := kernel.NewID[kernel.OrderID](), kernel.NewID[kernel.TrackingID]()
	failures := []string{"x"}

	order, err := domain.UnmarshalOrderFromDatabase(id, customerID, restaurantID, address, kerneltest.Money("100"), items, trackingID,
		kernel.OrderStatusPaid, failures, 7)

	require.NoError(t, err)
	assert.Equal(t, id, order.ID())
	assert.Equal(t, trackingID, order.TrackingID())
	assert.Equal(t, customerID, order.CustomerID())
	assert.Equal(t, restaurantID, order.RestaurantID())
	assert.Equal(t, address, order.DeliveryAddress())
	assert.Equal(t, items, order.Items())
	assert.Equal(t, 7, order.Version())
	assert.Equal(t, kernel.OrderStatusPaid, order.Status())
	failures[0] = "changed"
	assert.Equal(t, []string{"x"}, order.FailureMessages(), "the order owns its copy")
}

func TestUnmarshalOrderFromDatabaseRefusesWhatCannotHaveBeenStored(t *testing.T) {
	items := []domain.OrderItem{kerneltest.Must(domain.UnmarshalOrderItemFromDatabase(1, product2ID, 1, kerneltest.Money("50"), kerneltest.Money("50")))}
	id, trackingID := kernel.NewID[kernel.OrderID](), kernel.NewID[kernel.TrackingID]()
	tests := []struct {
		name string
		load func() (*domain.Order, error)
		rule error
	}{
		{"no id", func() (*domain.Order, error) {
			return domain.UnmarshalOrderFromDatabase(kernel.OrderID{}, customerID, restaurantID, address, kerneltest.Money("50"), items, trackingID, kernel.OrderStatusPaid, nil, 0)
		}, domain.ErrInvalidID},
		{"no tracking id", func() (*domain.Order, error) {
			return domain.UnmarshalOrderFromDatabase(id, customerID, restaurantID, address, kerneltest.Money("50"), items, kernel.TrackingID{}, kernel.OrderStatusPaid, nil, 0)
		}, domain.ErrInvalidID},
		{"unknown status", func() (*domain.Order, error) {
			return domain.UnmarshalOrderFromDatabase(id, customerID, restaurantID, address, kerneltest.Money("50"), items, trackingID, "SHIPPED", nil, 0)
		}, domain.ErrInvalidOrder},
		{"no items", func() (*domain.Order, error) {
			return domain.UnmarshalOrderFromDatabase(id, customerID, restaurantID, address, kerneltest.Money("50"), nil, trackingID, kernel.OrderStatusPaid, nil, 0)
		}, domain.ErrInvalidOrderItems},
		{"no customer", func() (*domain.Order, error) {
			return domain.UnmarshalOrderFromDatabase(id, kernel.CustomerID{}, restaurantID, address, kerneltest.Money("50"), items, trackingID, kernel.OrderStatusPaid, nil, 0)
		}, domain.ErrInvalidID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			order, err := tt.load()

			assert.Nil(t, order)
			require.Error(t, err)
			if tt.rule != nil {
				assert.ErrorIs(t, err, tt.rule)
			}
			assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(err), "a broken stored order is the system's fault: %v", err)
		})
	}
}
