package application_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/saga"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func sampleCommand() application.CreateOrderCommand {
	return application.CreateOrderCommand{
		CustomerID:   customerID,
		RestaurantID: restaurantID,
		Price:        money("200.00"),
		Items: []application.OrderItemCommand{
			{ProductID: productID, Quantity: 1, Price: money("50.00"), SubTotal: money("50.00")},
			{ProductID: productID, Quantity: 3, Price: money("50.00"), SubTotal: money("150.00")},
		},
		Address: application.OrderAddress{Street: "street_1", PostalCode: "1000AB", City: "Amsterdam"},
	}
}

func activeRestaurant(active bool) *domain.Restaurant {
	return &domain.Restaurant{ID: restaurantID, Active: active, Products: []domain.Product{
		{ID: productID, Name: "product_2", Price: money("50.00")},
	}}
}

func TestCreateOrderSavesOrderAndPaymentRequestInOneTransaction(t *testing.T) {
	f := newFixture(t)
	f.expectTransaction()
	var inserted *domain.Order
	var saved *application.PaymentOutboxMessage
	gomock.InOrder(
		f.customers.EXPECT().FindCustomer(inTx, customerID).Return(&domain.Customer{ID: customerID}, nil),
		f.restaurants.EXPECT().FindRestaurantInformation(inTx, restaurantID).Return(activeRestaurant(true), nil),
		f.orders.EXPECT().Insert(inTx, gomock.Any()).DoAndReturn(func(_ context.Context, o *domain.Order) error {
			inserted = o
			return nil
		}),
		f.payments.EXPECT().Save(inTx, gomock.Any()).DoAndReturn(func(_ context.Context, m *application.PaymentOutboxMessage) error {
			saved = m
			return nil
		}),
	)

	resp, err := f.service.CreateOrder(context.Background(), sampleCommand())

	require.NoError(t, err)
	require.NotNil(t, inserted)
	assert.Equal(t, application.CreateOrderResponse{
		OrderTrackingID: inserted.TrackingID(),
		OrderStatus:     kernel.OrderStatusPending,
		Message:         "Order created successfully",
	}, resp)
	assert.Equal(t, kernel.OrderStatusPending, inserted.Status())
	assert.Equal(t, "product_2", inserted.Items()[0].Product().Name)

	require.NotNil(t, saved)
	assert.False(t, saved.ID.IsZero())
	assert.False(t, saved.SagaID.IsZero())
	assert.Equal(t, application.OrderSagaName, saved.Type)
	assert.Equal(t, saga.StatusStarted, saved.SagaStatus)
	assert.Equal(t, outbox.StatusStarted, saved.OutboxStatus)
	assert.Equal(t, kernel.OrderStatusPending, saved.OrderStatus)
	assert.Equal(t, kernel.PaymentOrderStatusPending, saved.PaymentOrderStatus)
	assert.Equal(t, now, saved.CreatedAt)
	assert.Nil(t, saved.ProcessedAt)
	assert.Equal(t, application.OrderPaymentEventPayload{
		OrderID:            inserted.ID(),
		CustomerID:         customerID,
		Price:              money("200"),
		CreatedAt:          now,
		PaymentOrderStatus: kernel.PaymentOrderStatusPending,
	}, saved.Payload)
}

func TestCreateOrderRefusals(t *testing.T) {
	withCommand := func(change func(*application.CreateOrderCommand)) application.CreateOrderCommand {
		cmd := sampleCommand()
		change(&cmd)
		return cmd
	}
	tests := []struct {
		name    string
		cmd     application.CreateOrderCommand
		expect  func(f *fixture)
		code    kernel.ErrorCode
		message string
	}{
		{
			name: "customer missing",
			cmd:  sampleCommand(),
			expect: func(f *fixture) {
				f.expectTransaction()
				f.customers.EXPECT().FindCustomer(inTx, customerID).Return(nil, fmt.Errorf("customer: %w", application.ErrNotFound))
			},
			code:    kernel.ECodeInvalid,
			message: "Could not find customer with customer id: d215b5f8-0249-4dc5-89a3-51fd148cfb41",
		},
		{
			name: "restaurant missing",
			cmd:  sampleCommand(),
			expect: func(f *fixture) {
				f.expectTransaction()
				f.customers.EXPECT().FindCustomer(inTx, customerID).Return(&domain.Customer{ID: customerID}, nil)
				f.restaurants.EXPECT().FindRestaurantInformation(inTx, restaurantID).Return(nil, application.ErrNotFound)
			},
			code:    kernel.ECodeInvalid,
			message: "Could not find restaurant with restaurant id: d215b5f8-0249-4dc5-89a3-51fd148cfb45",
		},
		{
			name: "restaurant inactive",
			cmd:  sampleCommand(),
			expect: func(f *fixture) {
				f.expectTransaction()
				f.customers.EXPECT().FindCustomer(inTx, customerID).Return(&domain.Customer{ID: customerID}, nil)
				f.restaurants.EXPECT().FindRestaurantInformation(inTx, restaurantID).Return(activeRestaurant(false), nil)
			},
			code:    kernel.ECodeInvalid,
			message: "Restaurant with id d215b5f8-0249-4dc5-89a3-51fd148cfb45 is currently not active!",
		},
		{
			name: "total mismatch",
			cmd:  withCommand(func(c *application.CreateOrderCommand) { c.Price = money("250.00") }),
			expect: func(f *fixture) {
				f.expectTransaction()
				f.customers.EXPECT().FindCustomer(inTx, customerID).Return(&domain.Customer{ID: customerID}, nil)
				f.restaurants.EXPECT().FindRestaurantInformation(inTx, restaurantID).Return(activeRestaurant(true), nil)
			},
			code:    kernel.ECodeInvalid,
			message: "Total price: 250.00 is not equal to Order items total: 200.00!",
		},
		{
			name: "item price differs from the catalog",
			cmd: withCommand(func(c *application.CreateOrderCommand) {
				c.Price = money("180.00")
				c.Items[1] = application.OrderItemCommand{ProductID: productID, Quantity: 3, Price: money("43.33"), SubTotal: money("129.99")}
				c.Items[0].SubTotal, c.Items[0].Price = money("50.01"), money("50.01")
			}),
			expect: func(f *fixture) {
				f.expectTransaction()
				f.customers.EXPECT().FindCustomer(inTx, customerID).Return(&domain.Customer{ID: customerID}, nil)
				f.restaurants.EXPECT().FindRestaurantInformation(inTx, restaurantID).Return(activeRestaurant(true), nil)
			},
			code:    kernel.ECodeInvalid,
			message: "Order item price: 50.01 is not valid for product d215b5f8-0249-4dc5-89a3-51fd148cfb48",
		},
		{
			name:    "invalid command never opens a transaction",
			cmd:     withCommand(func(c *application.CreateOrderCommand) { c.Items[0].Quantity = 0 }),
			expect:  func(*fixture) {},
			code:    kernel.ECodeInvalid,
			message: "items[0].quantity must be at least 1",
		},
		{
			name: "too many items",
			cmd: withCommand(func(c *application.CreateOrderCommand) {
				c.Items = append(c.Items, c.Items[0], c.Items[0])
			}),
			expect:  func(*fixture) {},
			code:    kernel.ECodeInvalid,
			message: "items must not have more than 3 entries",
		},
		{
			name: "duplicate payment row conflicts",
			cmd:  sampleCommand(),
			expect: func(f *fixture) {
				f.expectTransaction()
				f.customers.EXPECT().FindCustomer(inTx, customerID).Return(&domain.Customer{ID: customerID}, nil)
				f.restaurants.EXPECT().FindRestaurantInformation(inTx, restaurantID).Return(activeRestaurant(true), nil)
				f.orders.EXPECT().Insert(inTx, gomock.Any()).Return(nil)
				f.payments.EXPECT().Save(inTx, gomock.Any()).Return(kernel.Errorf(kernel.ECodeConflict, "payment_outbox: conflicts"))
			},
			code:    kernel.ECodeConflict,
			message: "payment_outbox: conflicts",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.expect(f)

			_, err := f.service.CreateOrder(context.Background(), tt.cmd)

			require.Error(t, err)
			assert.Equal(t, tt.code, kernel.ErrorCodeOf(err))
			assert.Equal(t, tt.message, kernel.ErrorMessageOf(err))
		})
	}
}

func TestTrackOrder(t *testing.T) {
	f := newFixture(t)
	order := storedOrder(kernel.OrderStatusCancelled, "no credit")
	f.orders.EXPECT().FindByTrackingID(gomock.Any(), order.TrackingID()).Return(order, nil)

	resp, err := f.service.TrackOrder(context.Background(), application.TrackOrderQuery{OrderTrackingID: order.TrackingID()})

	require.NoError(t, err)
	assert.Equal(t, application.TrackOrderResponse{
		OrderID:         order.ID(),
		OrderTrackingID: order.TrackingID(),
		OrderStatus:     kernel.OrderStatusCancelled,
		FailureMessages: []string{"no credit"},
	}, resp)
}

func TestTrackOrderWithoutFailuresAnswersAnEmptyList(t *testing.T) {
	f := newFixture(t)
	order := storedOrder(kernel.OrderStatusPending)
	f.orders.EXPECT().FindByTrackingID(gomock.Any(), order.TrackingID()).Return(order, nil)

	resp, err := f.service.TrackOrder(context.Background(), application.TrackOrderQuery{OrderTrackingID: order.TrackingID()})

	require.NoError(t, err)
	assert.NotNil(t, resp.FailureMessages)
	assert.Empty(t, resp.FailureMessages)
}

func TestTrackOrderUnknown(t *testing.T) {
	f := newFixture(t)
	id := kernel.MustParseID[kernel.TrackingID]("0b9a6d2e-7f56-4b3c-9a0e-1f2d3c4b5a69")
	f.orders.EXPECT().FindByTrackingID(gomock.Any(), id).Return(nil, fmt.Errorf("orders: %w", application.ErrNotFound))

	_, err := f.service.TrackOrder(context.Background(), application.TrackOrderQuery{OrderTrackingID: id})

	assert.Equal(t, kernel.ECodeNotFound, kernel.ErrorCodeOf(err))
	assert.Equal(t, "Could not find order with tracking id: 0b9a6d2e-7f56-4b3c-9a0e-1f2d3c4b5a69", kernel.ErrorMessageOf(err))
}
