package application_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/application/mocks"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func sampleCommand() application.CreateOrderCommand {
	return application.CreateOrderCommand{
		CustomerID:   customerID,
		RestaurantID: restaurantID,
		Price:        kerneltest.Money("200.00"),
		Items: []application.OrderItemCommand{
			{ProductID: productID, Quantity: 1, Price: kerneltest.Money("50.00"), SubTotal: kerneltest.Money("50.00")},
			{ProductID: productID, Quantity: 3, Price: kerneltest.Money("50.00"), SubTotal: kerneltest.Money("150.00")},
		},
		Address: application.OrderAddress{Street: "street_1", PostalCode: "1000AB", City: "Amsterdam"},
	}
}

// catalogProduct is the restaurant's catalog entry of product_2.
var catalogProduct = kerneltest.Must(domain.UnmarshalProductFromDatabase(productID, "product_2", kerneltest.Money("50.00")))

func activeRestaurant(active bool) *domain.Restaurant {
	return kerneltest.Must(domain.UnmarshalRestaurantFromDatabase(restaurantID, active, []domain.Product{catalogProduct}))
}

// customer is the customer of the sample command.
var customer = kerneltest.Must(domain.UnmarshalCustomerFromDatabase(customerID))

func TestCreateOrderSavesOrderAndPaymentRequestInOneTransaction(t *testing.T) {
	f := newFixture(t)
	f.expectTransaction()
	var inserted *domain.Order
	var saved *application.PaymentOutboxMessage
	gomock.InOrder(
		f.customers.EXPECT().FindCustomer(inTx, customerID).Return(customer, nil),
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
	assert.Equal(t, catalogProduct, inserted.Items()[0].Product(), "confirmed from the catalog")

	require.NotNil(t, saved)
	assert.False(t, saved.ID.IsZero())
	assert.False(t, saved.SagaID.IsZero())
	assert.Equal(t, saga.OrderSagaName, saved.Type)
	assert.Equal(t, saga.StatusStarted, saved.SagaStatus)
	assert.Equal(t, outbox.StatusStarted, saved.OutboxStatus)
	assert.Equal(t, kernel.OrderStatusPending, saved.OrderStatus)
	assert.Equal(t, kernel.PaymentOrderStatusPending, saved.PaymentOrderStatus)
	assert.Equal(t, now, saved.CreatedAt)
	assert.Nil(t, saved.ProcessedAt)
	assert.Equal(t, application.OrderPaymentEventPayload{
		OrderID:            inserted.ID(),
		CustomerID:         customerID,
		Price:              kerneltest.Money("200"),
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
				f.customers.EXPECT().FindCustomer(inTx, customerID).Return(nil, fmt.Errorf("customer: %w", kernel.ErrNotFound))
			},
			code:    kernel.ECodeInvalid,
			message: "Could not find customer with customer id: d215b5f8-0249-4dc5-89a3-51fd148cfb41",
		},
		{
			name: "restaurant missing",
			cmd:  sampleCommand(),
			expect: func(f *fixture) {
				f.expectTransaction()
				f.customers.EXPECT().FindCustomer(inTx, customerID).Return(customer, nil)
				f.restaurants.EXPECT().FindRestaurantInformation(inTx, restaurantID).Return(nil, kernel.ErrNotFound)
			},
			code:    kernel.ECodeInvalid,
			message: "Could not find restaurant with restaurant id: d215b5f8-0249-4dc5-89a3-51fd148cfb45",
		},
		{
			name: "restaurant inactive",
			cmd:  sampleCommand(),
			expect: func(f *fixture) {
				f.expectTransaction()
				f.customers.EXPECT().FindCustomer(inTx, customerID).Return(customer, nil)
				f.restaurants.EXPECT().FindRestaurantInformation(inTx, restaurantID).Return(activeRestaurant(false), nil)
			},
			code:    kernel.ECodeInvalid,
			message: "Restaurant with id d215b5f8-0249-4dc5-89a3-51fd148cfb45 is currently not active!",
		},
		{
			name: "total mismatch",
			cmd:  withCommand(func(c *application.CreateOrderCommand) { c.Price = kerneltest.Money("250.00") }),
			expect: func(f *fixture) {
				f.expectTransaction()
				f.customers.EXPECT().FindCustomer(inTx, customerID).Return(customer, nil)
				f.restaurants.EXPECT().FindRestaurantInformation(inTx, restaurantID).Return(activeRestaurant(true), nil)
			},
			code:    kernel.ECodeInvalid,
			message: "Total price: 250.00 is not equal to Order items total: 200.00!",
		},
		{
			name: "item price differs from the catalog",
			cmd: withCommand(func(c *application.CreateOrderCommand) {
				c.Price = kerneltest.Money("180.00")
				c.Items[1] = application.OrderItemCommand{ProductID: productID, Quantity: 3, Price: kerneltest.Money("43.33"), SubTotal: kerneltest.Money("129.99")}
				c.Items[0].SubTotal, c.Items[0].Price = kerneltest.Money("50.01"), kerneltest.Money("50.01")
			}),
			expect: func(f *fixture) {
				f.expectTransaction()
				f.customers.EXPECT().FindCustomer(inTx, customerID).Return(customer, nil)
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
				f.customers.EXPECT().FindCustomer(inTx, customerID).Return(customer, nil)
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

// keyedFixture is the fixture with a create handler that remembers
// idempotency keys.
type keyedFixture struct {
	*fixture
	keys    *mocks.MockIdempotencyKeyRepository
	service *application.OrderService
}

func newKeyedFixture(t *testing.T) *keyedFixture {
	f := newFixture(t)
	keys := mocks.NewMockIdempotencyKeyRepository(gomock.NewController(t))
	create := application.NewOrderCreateHelper(f.tx, f.orders, f.customers, f.restaurants,
		domain.NewOrderDomainService(func() time.Time { return now }), application.NewPaymentOutboxHelper(f.payments), 3, zap.NewNop(),
		application.WithIdempotencyKeys(keys))
	return &keyedFixture{fixture: f, keys: keys, service: application.NewOrderService(create, application.NewOrderTrackCommandHandler(f.orders))}
}

func keyedCommand(key string) application.CreateOrderCommand {
	cmd := sampleCommand()
	cmd.IdempotencyKey = key
	return cmd
}

// expectOrderSaved expects the reads and writes of a successful create in the
// transaction, and returns where the inserted order will be.
func (f *keyedFixture) expectOrderSaved() **domain.Order {
	var inserted *domain.Order
	f.customers.EXPECT().FindCustomer(inTx, customerID).Return(customer, nil)
	f.restaurants.EXPECT().FindRestaurantInformation(inTx, restaurantID).Return(activeRestaurant(true), nil)
	f.orders.EXPECT().Insert(inTx, gomock.Any()).DoAndReturn(func(_ context.Context, o *domain.Order) error {
		inserted = o
		return nil
	})
	f.payments.EXPECT().Save(inTx, gomock.Any()).Return(nil)
	return &inserted
}

func TestCreateOrderWithANewKeyStoresItWithTheOrder(t *testing.T) {
	f := newKeyedFixture(t)
	cmd := keyedCommand("retry-me-1")
	f.keys.EXPECT().FindByKey(gomock.Any(), customerID, "retry-me-1").Return(nil, fmt.Errorf("key: %w", kernel.ErrNotFound))
	f.expectTransaction()
	inserted := f.expectOrderSaved()
	var stored application.IdempotencyKey
	f.keys.EXPECT().Insert(inTx, gomock.Any()).DoAndReturn(func(_ context.Context, k application.IdempotencyKey) error {
		stored = k
		return nil
	})

	resp, err := f.service.CreateOrder(context.Background(), cmd)

	require.NoError(t, err)
	require.NotNil(t, *inserted)
	order := *inserted
	assert.Equal(t, application.CreateOrderResponse{
		OrderTrackingID: order.TrackingID(), OrderStatus: kernel.OrderStatusPending, Message: "Order created successfully",
	}, resp, "a first answer is not a replay")
	assert.Equal(t, application.IdempotencyKey{
		CustomerID: customerID, Key: "retry-me-1", RequestHash: cmd.RequestHash(), OrderID: order.ID(), TrackingID: order.TrackingID(),
		OrderStatus: kernel.OrderStatusPending, CreatedAt: now,
	}, stored)
}

func TestCreateOrderWithAStoredKeyAndTheSameRequestAnswersTheFirstOrder(t *testing.T) {
	f := newKeyedFixture(t)
	cmd := keyedCommand("retry-me-2")
	first := application.IdempotencyKey{Key: "retry-me-2", RequestHash: cmd.RequestHash(), OrderID: kernel.NewID[kernel.OrderID](),
		TrackingID: kernel.NewID[kernel.TrackingID](), OrderStatus: kernel.OrderStatusPending, CreatedAt: now}
	f.keys.EXPECT().FindByKey(gomock.Any(), customerID, "retry-me-2").Return(&first, nil)
	// No transaction and no write: the mocks refuse any other call.

	resp, err := f.service.CreateOrder(context.Background(), cmd)

	require.NoError(t, err)
	assert.Equal(t, application.CreateOrderResponse{
		OrderTrackingID: first.TrackingID, OrderStatus: kernel.OrderStatusPending, Message: "Order created successfully", Replayed: true,
	}, resp)
}

func TestCreateOrderWithAStoredKeyAndAnotherRequestIsRefused(t *testing.T) {
	f := newKeyedFixture(t)
	other := keyedCommand("retry-me-3")
	other.Items[0].Quantity, other.Items[0].SubTotal, other.Price = 2, kerneltest.Money("100.00"), kerneltest.Money("250.00")
	f.keys.EXPECT().FindByKey(gomock.Any(), customerID, "retry-me-3").Return(&application.IdempotencyKey{
		Key: "retry-me-3", RequestHash: sampleCommand().RequestHash(), OrderID: kernel.NewID[kernel.OrderID](),
		TrackingID: kernel.NewID[kernel.TrackingID](), OrderStatus: kernel.OrderStatusPending, CreatedAt: now,
	}, nil)

	_, err := f.service.CreateOrder(context.Background(), other)

	require.ErrorIs(t, err, application.ErrIdempotencyKeyReused)
	assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
	assert.Equal(t, "Idempotency-Key was already used for a different order request", kernel.ErrorMessageOf(err))
}

func TestCreateOrderThatLosesTheRaceForItsKeyAnswersTheWinner(t *testing.T) {
	tests := []struct {
		name       string
		winnerHash func(cmd application.CreateOrderCommand) string
		reused     bool
	}{
		{"same request", func(cmd application.CreateOrderCommand) string { return cmd.RequestHash() }, false},
		{"another request", func(application.CreateOrderCommand) string { return "another" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newKeyedFixture(t)
			cmd := keyedCommand("raced")
			winner := application.IdempotencyKey{Key: "raced", RequestHash: tt.winnerHash(cmd), OrderID: kernel.NewID[kernel.OrderID](),
				TrackingID: kernel.NewID[kernel.TrackingID](), OrderStatus: kernel.OrderStatusPending, CreatedAt: now}
			var rolledBack bool
			gomock.InOrder(
				f.keys.EXPECT().FindByKey(gomock.Any(), customerID, "raced").Return(nil, kernel.ErrNotFound),
				f.tx.EXPECT().Transact(gomock.Any(), gomock.Any()).DoAndReturn(func(ctx context.Context, fn func(context.Context) error) error {
					err := fn(context.WithValue(ctx, txMarker{}, true))
					rolledBack = err != nil
					return err
				}),
				// The winner committed first; the unique index refuses this key.
				f.keys.EXPECT().Insert(inTx, gomock.Any()).Return(fmt.Errorf("insert: %w", kernel.ErrDuplicate)),
				f.keys.EXPECT().FindByKey(gomock.Any(), customerID, "raced").Return(&winner, nil),
			)
			f.expectOrderSaved()

			resp, err := f.service.CreateOrder(context.Background(), cmd)

			assert.True(t, rolledBack, "the loser's order is rolled back with its key")
			if tt.reused {
				assert.ErrorIs(t, err, application.ErrIdempotencyKeyReused)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, application.CreateOrderResponse{
				OrderTrackingID: winner.TrackingID, OrderStatus: kernel.OrderStatusPending, Message: "Order created successfully", Replayed: true,
			}, resp)
		})
	}
}

func TestCreateOrderKeyErrors(t *testing.T) {
	t.Run("an invalid command is refused before its key is looked up", func(t *testing.T) {
		f := newKeyedFixture(t)
		cmd := keyedCommand("k")
		cmd.Items[0].Quantity = 3000000000

		_, err := f.service.CreateOrder(context.Background(), cmd)

		assert.Equal(t, "items[0].quantity must be at most 10000", kernel.ErrorMessageOf(err))
	})
	t.Run("the key store is down", func(t *testing.T) {
		f := newKeyedFixture(t)
		f.keys.EXPECT().FindByKey(gomock.Any(), customerID, "k").Return(nil, kernel.Errorf(kernel.ECodeUnavailable, "find idempotency key: database unavailable"))

		_, err := f.service.CreateOrder(context.Background(), keyedCommand("k"))

		assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(err))
	})
	t.Run("a key without a key store is refused rather than ignored", func(t *testing.T) {
		f := newFixture(t) // created without WithIdempotencyKeys

		_, err := f.service.CreateOrder(context.Background(), keyedCommand("k"))

		require.Error(t, err)
		assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(err))
	})
	t.Run("the conflicting key is gone when looked up again", func(t *testing.T) {
		f := newKeyedFixture(t)
		f.keys.EXPECT().FindByKey(gomock.Any(), customerID, "k").Return(nil, kernel.ErrNotFound).Times(2)
		f.expectTransaction()
		f.expectOrderSaved()
		f.keys.EXPECT().Insert(inTx, gomock.Any()).Return(kernel.ErrDuplicate)

		_, err := f.service.CreateOrder(context.Background(), keyedCommand("k"))

		assert.True(t, errors.Is(err, kernel.ErrDuplicate))
		assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(err))
	})
}
