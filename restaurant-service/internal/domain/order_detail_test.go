package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

func TestNewOrderDetailRefusesWhatNoOrderCanBe(t *testing.T) {
	f := newFixture()
	one := []domain.OrderLine{domain.NewOrderLine(f.available, 1)}
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
		{name: "line without product", orderID: f.orderID, total: "50", lines: []domain.OrderLine{domain.NewOrderLine(kernel.ProductID{}, 1)},
			reason: "Product id is missing on line 1 of order: 0a1b2c3d-0000-4000-8000-000000000001"},
		{name: "zero quantity", orderID: f.orderID, total: "0", lines: []domain.OrderLine{domain.NewOrderLine(f.available, 0)},
			reason: "Quantity 0 of product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb48 is not positive in order: 0a1b2c3d-0000-4000-8000-000000000001"},
		{name: "negative quantity", orderID: f.orderID, total: "0", lines: []domain.OrderLine{domain.NewOrderLine(f.available, -2)},
			reason: "Quantity -2 of product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb48 is not positive in order: 0a1b2c3d-0000-4000-8000-000000000001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := domain.NewOrderDetail(tt.orderID, kernel.OrderStatusPaid, kernel.MustParseMoney(tt.total), tt.lines)
			assert.ErrorIs(t, err, domain.ErrInvalidOrderDetail)
			assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
			assert.Equal(t, tt.reason, kernel.ErrorMessageOf(err), "the user message is the reason alone, fit for a failure message")
		})
	}
}

func TestOrderDetailProductIDsAreDistinctInOrder(t *testing.T) {
	f := newFixture()
	order, err := domain.NewOrderDetail(f.orderID, kernel.OrderStatusPaid, kernel.MustParseMoney("1"), []domain.OrderLine{
		domain.NewOrderLine(f.cheap, 1), domain.NewOrderLine(f.available, 1), domain.NewOrderLine(f.cheap, 3),
	})
	require.NoError(t, err)
	assert.Equal(t, []kernel.ProductID{f.cheap, f.available}, order.ProductIDs())
}
