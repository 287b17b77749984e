package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

type fixture struct {
	restaurantID kernel.RestaurantID
	orderID      kernel.OrderID
	available    kernel.ProductID // 50.00, available
	cheap        kernel.ProductID // 20.00, available
	unavailable  kernel.ProductID // 25.00, not available
	unknown      kernel.ProductID // not in the catalog
}

func newFixture() fixture {
	return fixture{
		restaurantID: kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb45"),
		orderID:      kernel.MustParseID[kernel.OrderID]("0a1b2c3d-0000-4000-8000-000000000001"),
		available:    kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb48"),
		cheap:        kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb50"),
		unavailable:  kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb47"),
		unknown:      kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb99"),
	}
}

func (f fixture) restaurant(t *testing.T, active bool) *domain.Restaurant {
	t.Helper()
	product := func(id kernel.ProductID, price string, available bool) domain.Product {
		p, err := domain.NewProduct(id, "product", kernel.MustParseMoney(price), available)
		require.NoError(t, err)
		return p
	}
	r, err := domain.NewRestaurant(f.restaurantID, active, []domain.Product{
		product(f.available, "50.00", true),
		product(f.cheap, "20.00", true),
		product(f.unavailable, "25.00", false),
	})
	require.NoError(t, err)
	return r
}

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
			lines: []domain.OrderLine{{ProductID: f.available, Quantity: 1}},
		},
		{
			name: "approved with quantities and several products", active: true, status: kernel.OrderStatusPaid, total: "140",
			lines: []domain.OrderLine{{ProductID: f.available, Quantity: 2}, {ProductID: f.cheap, Quantity: 2}},
		},
		{
			name: "the same product on two lines adds up", active: true, status: kernel.OrderStatusPaid, total: "150.00",
			lines: []domain.OrderLine{{ProductID: f.available, Quantity: 1}, {ProductID: f.available, Quantity: 2}},
		},
		{
			name: "inactive restaurant", active: false, status: kernel.OrderStatusPaid, total: "50.00",
			lines:    []domain.OrderLine{{ProductID: f.available, Quantity: 1}},
			failures: []string{notActive},
		},
		{
			name: "order not paid", active: true, status: kernel.OrderStatusPending, total: "50.00",
			lines:    []domain.OrderLine{{ProductID: f.available, Quantity: 1}},
			failures: []string{notPaid},
		},
		{
			name: "unknown order status is not paid", active: true, status: kernel.OrderStatus("SHIPPED"), total: "50.00",
			lines:    []domain.OrderLine{{ProductID: f.available, Quantity: 1}},
			failures: []string{notPaid},
		},
		{
			name: "product not available", active: true, status: kernel.OrderStatusPaid, total: "25.00",
			lines:    []domain.OrderLine{{ProductID: f.unavailable, Quantity: 1}},
			failures: []string{notAvailable},
		},
		{
			name: "product not offered by the restaurant", active: true, status: kernel.OrderStatusPaid, total: "50.00",
			lines:    []domain.OrderLine{{ProductID: f.unknown, Quantity: 1}},
			failures: []string{notOffered},
		},
		{
			name: "total too low", active: true, status: kernel.OrderStatusPaid, total: "99.99",
			lines:    []domain.OrderLine{{ProductID: f.available, Quantity: 2}},
			failures: []string{wrongTotal},
		},
		{
			name: "total too high", active: true, status: kernel.OrderStatusPaid, total: "50.01",
			lines:    []domain.OrderLine{{ProductID: f.available, Quantity: 1}},
			failures: []string{wrongTotal},
		},
		{
			name: "every rule broken at once, in a stable order", active: false, status: kernel.OrderStatusPending, total: "1.00",
			lines: []domain.OrderLine{
				{ProductID: f.unavailable, Quantity: 1},
				{ProductID: f.available, Quantity: 1},
			},
			failures: []string{notActive, notPaid, notAvailable, wrongTotal},
		},
		{
			name: "unknown product suppresses the total check", active: true, status: kernel.OrderStatusPaid, total: "1.00",
			lines:    []domain.OrderLine{{ProductID: f.unknown, Quantity: 1}, {ProductID: f.unavailable, Quantity: 1}},
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
		[]domain.OrderLine{{ProductID: f.available, Quantity: 1}})
	require.NoError(t, err)

	event := domain.NewRestaurantDomainService().RejectUnknownRestaurant(f.restaurantID, order, time.Now())

	assert.IsType(t, domain.OrderRejectedEvent{}, event)
	approval := event.OrderApproval()
	assert.Equal(t, kernel.OrderApprovalStatusRejected, approval.Status())
	assert.Equal(t, f.restaurantID, approval.RestaurantID())
	assert.Equal(t, f.orderID, approval.OrderID())
	assert.Equal(t, []string{"Restaurant with id d215b5f8-0249-4dc5-89a3-51fd148cfb45 not found!"}, approval.FailureMessages())
}

func TestNewOrderDetailRefusesWhatNoOrderCanBe(t *testing.T) {
	f := newFixture()
	one := []domain.OrderLine{{ProductID: f.available, Quantity: 1}}
	tests := []struct {
		name    string
		orderID kernel.OrderID
		total   string
		lines   []domain.OrderLine
		reason  string
	}{
		{name: "missing order id", total: "50", lines: one, reason: "Order id is missing!"},
		{name: "negative total", orderID: f.orderID, total: "-1", lines: one,
			reason: "Price total -1.00 is negative for order: 0a1b2c3d-0000-4000-8000-000000000001"},
		{name: "no lines", orderID: f.orderID, total: "50",
			reason: "No products in order: 0a1b2c3d-0000-4000-8000-000000000001"},
		{name: "line without product", orderID: f.orderID, total: "50", lines: []domain.OrderLine{{Quantity: 1}},
			reason: "Product id is missing on line 1 of order: 0a1b2c3d-0000-4000-8000-000000000001"},
		{name: "zero quantity", orderID: f.orderID, total: "0", lines: []domain.OrderLine{{ProductID: f.available}},
			reason: "Quantity 0 of product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb48 is not positive in order: 0a1b2c3d-0000-4000-8000-000000000001"},
		{name: "negative quantity", orderID: f.orderID, total: "0", lines: []domain.OrderLine{{ProductID: f.available, Quantity: -2}},
			reason: "Quantity -2 of product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb48 is not positive in order: 0a1b2c3d-0000-4000-8000-000000000001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := domain.NewOrderDetail(tt.orderID, kernel.OrderStatusPaid, kernel.MustParseMoney(tt.total), tt.lines)
			assert.ErrorIs(t, err, domain.ErrInvalidOrderDetail)
			assert.EqualError(t, err, tt.reason, "the text is the reason alone, fit for a failure message")
		})
	}
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

func TestOrderDetailProductIDsAreDistinctInOrder(t *testing.T) {
	f := newFixture()
	order, err := domain.NewOrderDetail(f.orderID, kernel.OrderStatusPaid, kernel.MustParseMoney("1"), []domain.OrderLine{
		{ProductID: f.cheap, Quantity: 1}, {ProductID: f.available, Quantity: 1}, {ProductID: f.cheap, Quantity: 3},
	})
	require.NoError(t, err)
	assert.Equal(t, []kernel.ProductID{f.cheap, f.available}, order.ProductIDs())
}

func TestNewRestaurantRefusesInvalidData(t *testing.T) {
	f := newFixture()
	p, err := domain.NewProduct(f.available, "product_2", kernel.MustParseMoney("50"), true)
	require.NoError(t, err)

	_, err = domain.NewRestaurant(kernel.RestaurantID{}, true, nil)
	assert.ErrorIs(t, err, domain.ErrInvalidRestaurant)
	_, err = domain.NewRestaurant(f.restaurantID, true, []domain.Product{p, p})
	assert.ErrorIs(t, err, domain.ErrInvalidRestaurant)

	_, err = domain.NewProduct(kernel.ProductID{}, "x", kernel.MustParseMoney("1"), true)
	assert.ErrorIs(t, err, domain.ErrInvalidProduct)
	_, err = domain.NewProduct(f.available, "x", kernel.MustParseMoney("-0.01"), true)
	assert.ErrorIs(t, err, domain.ErrInvalidProduct)
}

func TestUnmarshalOrderApprovalFromDatabase(t *testing.T) {
	f := newFixture()
	id := kernel.MustParseID[kernel.OrderApprovalID]("0a1b2c3d-0000-4000-8000-0000000000aa")
	tests := []struct {
		name     string
		id       kernel.OrderApprovalID
		status   kernel.OrderApprovalStatus
		failures []string
		ok       bool
	}{
		{name: "approved", id: id, status: kernel.OrderApprovalStatusApproved, ok: true},
		{name: "rejected with reasons", id: id, status: kernel.OrderApprovalStatusRejected, failures: []string{"no"}, ok: true},
		{name: "missing id", status: kernel.OrderApprovalStatusApproved},
		{name: "unknown status", id: id, status: "MAYBE"},
		{name: "rejected without reason", id: id, status: kernel.OrderApprovalStatusRejected},
		{name: "approved with reasons", id: id, status: kernel.OrderApprovalStatusApproved, failures: []string{"no"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := domain.UnmarshalOrderApprovalFromDatabase(tt.id, f.restaurantID, f.orderID, tt.status, tt.failures)
			if !tt.ok {
				assert.ErrorIs(t, err, domain.ErrInvalidOrderApproval)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.status, a.Status())
			assert.Equal(t, append([]string{}, tt.failures...), a.FailureMessages())
		})
	}
}
