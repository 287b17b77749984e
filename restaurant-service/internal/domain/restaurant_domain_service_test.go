package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

func TestRestaurantDomainServiceValidateOrder(t *testing.T) {
	f := newFixture()
	at := time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.FixedZone("CET", 3600))

	notActive := "Restaurant with id d215b5f8-0249-4dc5-89a3-51fd148cfb45 is not active"
	notPaid := "Payment is not completed for order: 0a1b2c3d-0000-4000-8000-000000000001"
	notAvailable := "Product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb47 is not available"
	notOffered := "Product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb99 is not offered by restaurant with id: d215b5f8-0249-4dc5-89a3-51fd148cfb45"
	wrongTotal := "Price total is not correct for order: 0a1b2c3d-0000-4000-8000-000000000001"

	tests := []struct {
		name     string
		active   bool
		status   kernel.OrderStatus
		total    string
		lines    []domain.OrderLine
		failures []string
	}{
		{
			name: "approved", active: true, status: kernel.OrderStatusPaid, total: "50.00",
			lines: []domain.OrderLine{domain.NewOrderLine(f.available, 1)},
		},
		{
			name: "approved with quantities and several products", active: true, status: kernel.OrderStatusPaid, total: "140",
			lines: []domain.OrderLine{domain.NewOrderLine(f.available, 2), domain.NewOrderLine(f.cheap, 2)},
		},
		{
			name: "the same product on two lines adds up", active: true, status: kernel.OrderStatusPaid, total: "150.00",
			lines: []domain.OrderLine{domain.NewOrderLine(f.available, 1), domain.NewOrderLine(f.available, 2)},
		},
		{
			name: "inactive restaurant", active: false, status: kernel.OrderStatusPaid, total: "50.00",
			lines:    []domain.OrderLine{domain.NewOrderLine(f.available, 1)},
			failures: []string{notActive},
		},
		{
			name: "order not paid", active: true, status: kernel.OrderStatusPending, total: "50.00",
			lines:    []domain.OrderLine{domain.NewOrderLine(f.available, 1)},
			failures: []string{notPaid},
		},
		{
			name: "unknown order status is not paid", active: true, status: kernel.OrderStatus("SHIPPED"), total: "50.00",
			lines:    []domain.OrderLine{domain.NewOrderLine(f.available, 1)},
			failures: []string{notPaid},
		},
		{
			name: "product not available", active: true, status: kernel.OrderStatusPaid, total: "25.00",
			lines:    []domain.OrderLine{domain.NewOrderLine(f.unavailable, 1)},
			failures: []string{notAvailable},
		},
		{
			name: "product not offered by the restaurant", active: true, status: kernel.OrderStatusPaid, total: "50.00",
			lines:    []domain.OrderLine{domain.NewOrderLine(f.unknown, 1)},
			failures: []string{notOffered},
		},
		{
			name: "total too low", active: true, status: kernel.OrderStatusPaid, total: "99.99",
			lines:    []domain.OrderLine{domain.NewOrderLine(f.available, 2)},
			failures: []string{wrongTotal},
		},
		{
			name: "total too high", active: true, status: kernel.OrderStatusPaid, total: "50.01",
			lines:    []domain.OrderLine{domain.NewOrderLine(f.available, 1)},
			failures: []string{wrongTotal},
		},
		{
			name: "every rule broken at once, in a stable order", active: false, status: kernel.OrderStatusPending, total: "1.00",
			lines: []domain.OrderLine{
				domain.NewOrderLine(f.unavailable, 1),
				domain.NewOrderLine(f.available, 1),
			},
			failures: []string{notActive, notPaid, notAvailable, wrongTotal},
		},
		{
			name: "unknown product suppresses the total check", active: true, status: kernel.OrderStatusPaid, total: "1.00",
			lines:    []domain.OrderLine{domain.NewOrderLine(f.unknown, 1), domain.NewOrderLine(f.unavailable, 1)},
			failures: []string{notOffered, notAvailable},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			order, err := domain.NewOrderDetail(f.orderID, tt.status, kernel.MustParseMoney(tt.total), tt.lines)
			require.NoError(t, err)

			event := domain.NewRestaurantDomainService().ValidateOrder(f.restaurant(t, tt.active), order, at)

			approval := event.OrderApproval()
			assert.Equal(t, f.restaurantID, approval.RestaurantID())
			assert.Equal(t, f.orderID, approval.OrderID())
			assert.False(t, approval.ID().IsZero())
			assert.Equal(t, time.Date(2025, 3, 1, 11, 0, 0, 123456000, time.UTC), event.CreatedAt())
			if len(tt.failures) == 0 {
				assert.IsType(t, domain.OrderApprovedEvent{}, event)
				assert.Equal(t, kernel.OrderApprovalStatusApproved, approval.Status())
				assert.Empty(t, approval.FailureMessages())
				return
			}
			assert.IsType(t, domain.OrderRejectedEvent{}, event)
			assert.Equal(t, kernel.OrderApprovalStatusRejected, approval.Status())
			assert.Equal(t, tt.failures, approval.FailureMessages())
		})
	}
}

func TestRestaurantDomainServiceRejectUnknownRestaurant(t *testing.T) {
	f := newFixture()
	order, err := domain.NewOrderDetail(f.orderID, kernel.OrderStatusPaid, kernel.MustParseMoney("50"),
		[]domain.OrderLine{domain.NewOrderLine(f.available, 1)})
	require.NoError(t, err)

	event := domain.NewRestaurantDomainService().RejectUnknownRestaurant(f.restaurantID, order, time.Now())

	assert.IsType(t, domain.OrderRejectedEvent{}, event)
	approval := event.OrderApproval()
	assert.Equal(t, kernel.OrderApprovalStatusRejected, approval.Status())
	assert.Equal(t, f.restaurantID, approval.RestaurantID())
	assert.Equal(t, f.orderID, approval.OrderID())
	assert.Equal(t, []string{"Restaurant with id d215b5f8-0249-4dc5-89a3-51fd148cfb45 not found!"}, approval.FailureMessages())
}

func TestRestaurantDomainServiceRejectInvalidOrder(t *testing.T) {
	f := newFixture()
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

	event := domain.NewRestaurantDomainService().RejectInvalidOrder(f.restaurantID, f.orderID, "No products in order: x", at)

	assert.IsType(t, domain.OrderRejectedEvent{}, event)
	approval := event.OrderApproval()
	assert.Equal(t, kernel.OrderApprovalStatusRejected, approval.Status())
	assert.Equal(t, f.restaurantID, approval.RestaurantID())
	assert.Equal(t, f.orderID, approval.OrderID())
	assert.False(t, approval.ID().IsZero())
	assert.Equal(t, []string{"No products in order: x"}, approval.FailureMessages())
	assert.Equal(t, at, event.CreatedAt())
}
