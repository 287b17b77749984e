package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func TestValidateAndInitiateOrder(t *testing.T) {
	svc := domain.NewOrderDomainService(func() time.Time { return fixedNow })

	order := sampleOrder()
	event, err := svc.ValidateAndInitiateOrder(order, restaurant(true))
	require.NoError(t, err)

	assert.Same(t, order, event.Order())
	assert.Equal(t, kernel.EventTime(fixedNow), event.CreatedAt())
	assert.False(t, order.ID().IsZero(), "order id")
	assert.False(t, order.TrackingID().IsZero(), "tracking id")
	assert.Equal(t, kernel.OrderStatusPending, order.Status())
	items := order.Items()
	require.Len(t, items, 2)
	for i, it := range items {
		assert.Equal(t, domain.OrderItemID(i+1), it.ID())
		assert.Equal(t, catalog, it.Product(), "name and price confirmed from the catalog")
	}
}

func TestValidateAndInitiateOrderRefusals(t *testing.T) {
	tests := []struct {
		name    string
		order   *domain.Order
		active  bool
		rule    error
		message string
	}{
		{
			name:    "restaurant not active",
			order:   sampleOrder(),
			rule:    domain.ErrInvalidRestaurant,
			message: "Restaurant with id d215b5f8-0249-4dc5-89a3-51fd148cfb45 is currently not active!",
		},
		{
			name:    "total price zero",
			order:   newOrder("0", item(product2ID, 1, "50.00", "50.00")),
			active:  true,
			rule:    domain.ErrInvalidOrderPrice,
			message: "Total price must be greater than zero!",
		},
		{
			name:    "total price negative",
			order:   newOrder("-50", item(product2ID, 1, "50.00", "50.00")),
			active:  true,
			rule:    domain.ErrInvalidOrderPrice,
			message: "Total price must be greater than zero!",
		},
		{
			name:    "total differs from items",
			order:   newOrder("250.00", item(product2ID, 1, "50.00", "50.00"), item(product2ID, 3, "50.00", "150.00")),
			active:  true,
			rule:    domain.ErrInvalidOrderPrice,
			message: "Total price: 250.00 is not equal to Order items total: 200.00!",
		},
		{
			name:    "item price differs from product",
			order:   newOrder("60.00", item(product2ID, 1, "60.00", "60.00")),
			active:  true,
			rule:    domain.ErrInvalidOrderItemPrice,
			message: "Order item price: 60.00 is not valid for product d215b5f8-0249-4dc5-89a3-51fd148cfb48",
		},
		{
			name:    "item subtotal differs from price × quantity",
			order:   newOrder("120.00", item(product2ID, 2, "50.00", "120.00")),
			active:  true,
			rule:    domain.ErrInvalidOrderItemPrice,
			message: "Order item price: 50.00 is not valid for product d215b5f8-0249-4dc5-89a3-51fd148cfb48",
		},
		{
			name:    "item price zero",
			order:   newOrder("10.00", item(product2ID, 1, "0", "0"), item(product2ID, 1, "50", "50")),
			active:  true,
			rule:    domain.ErrInvalidOrderItemPrice,
			message: "Order item price: 0.00 is not valid for product d215b5f8-0249-4dc5-89a3-51fd148cfb48",
		},
		{
			name:    "product not in the catalog",
			order:   newOrder("50.00", item(unknownID, 1, "50.00", "50.00")),
			active:  true,
			rule:    domain.ErrInvalidOrderItemPrice,
			message: "Order item price: 50.00 is not valid for product d215b5f8-0249-4dc5-89a3-51fd148cfb99",
		},
		{
			name:    "already initialized",
			order:   orderIn(kernel.OrderStatusPending),
			active:  true,
			rule:    domain.ErrOrderState,
			message: "Order is not in correct state for initialization!",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := domain.NewOrderDomainService(nil)
			before := tt.order.Status()

			_, err := svc.ValidateAndInitiateOrder(tt.order, restaurant(tt.active))

			require.Error(t, err)
			assert.ErrorIs(t, err, tt.rule)
			assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
			assert.Equal(t, tt.message, kernel.ErrorMessageOf(err))
			assert.Equal(t, before, tt.order.Status(), "a refused order is not initialized")
		})
	}
}

func TestOrderTransitions(t *testing.T) {
	svc := domain.NewOrderDomainService(func() time.Time { return fixedNow })
	type operation struct {
		name  string
		apply func(o *domain.Order) error
	}
	pay := operation{"pay", func(o *domain.Order) error {
		ev, err := svc.PayOrder(o)
		if err == nil && (ev.Order() != o || !ev.CreatedAt().Equal(kernel.EventTime(fixedNow))) {
			t.Errorf("OrderPaidEvent = %+v", ev)
		}
		return err
	}}
	approve := operation{"approve", svc.ApproveOrder}
	initCancel := operation{"initCancel", func(o *domain.Order) error {
		ev, err := svc.CancelOrderPayment(o, []string{"restaurant closed", ""})
		if err == nil && ev.Order() != o {
			t.Errorf("OrderCancelledEvent = %+v", ev)
		}
		return err
	}}
	cancel := operation{"cancel", func(o *domain.Order) error { return svc.CancelOrder(o, []string{"no credit"}) }}
	failRefund := operation{"failRefund", func(o *domain.Order) error { return svc.FailOrderRefund(o, []string{"refund refused"}) }}

	statuses := []kernel.OrderStatus{
		kernel.OrderStatusPending, kernel.OrderStatusPaid, kernel.OrderStatusApproved,
		kernel.OrderStatusCancelling, kernel.OrderStatusCancelled,
	}
	allowed := map[string]map[kernel.OrderStatus]kernel.OrderStatus{
		"pay":        {kernel.OrderStatusPending: kernel.OrderStatusPaid},
		"approve":    {kernel.OrderStatusPaid: kernel.OrderStatusApproved},
		"initCancel": {kernel.OrderStatusPaid: kernel.OrderStatusCancelling, kernel.OrderStatusPending: kernel.OrderStatusCancelling},
		"cancel":     {kernel.OrderStatusPending: kernel.OrderStatusCancelled, kernel.OrderStatusCancelling: kernel.OrderStatusCancelled},
		// A refused refund leaves the order CANCELLING, never CANCELLED.
		"failRefund": {kernel.OrderStatusCancelling: kernel.OrderStatusCancelling},
	}
	wantFailures := map[string][]string{
		"pay":        {"earlier"},
		"approve":    {"earlier"},
		"initCancel": {"earlier", "restaurant closed"},
		"cancel":     {"earlier", "no credit"},
		"failRefund": {"earlier", "refund refused"},
	}

	for _, op := range []operation{pay, approve, initCancel, cancel, failRefund} {
		for _, from := range statuses {
			to, ok := allowed[op.name][from]
			t.Run(op.name+" from "+string(from), func(t *testing.T) {
				order := orderIn(from, "earlier")

				err := op.apply(order)

				if ok {
					require.NoError(t, err)
					assert.Equal(t, to, order.Status())
					assert.Equal(t, wantFailures[op.name], order.FailureMessages())
					return
				}
				require.Error(t, err)
				assert.ErrorIs(t, err, domain.ErrOrderState)
				assert.Equal(t, "Order is not in correct state for "+op.name+" operation!", kernel.ErrorMessageOf(err))
				assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
				assert.Equal(t, from, order.Status(), "a refused transition changes nothing")
				assert.Equal(t, []string{"earlier"}, order.FailureMessages())
			})
		}
	}
}
