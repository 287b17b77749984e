package dataaccess_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/domain"
	"github.com/food-ordering-system/order-service/migrations"
)

var (
	customer1   = kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb41")
	restaurant1 = kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb45")
	restaurant2 = kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb46")
	product1    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb47")
	product2    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb48")
	product3    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb49")
	product4    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb50")
	createdAt   = time.Date(2024, 5, 1, 10, 30, 0, 123456000, time.UTC)
)

func newDB(t *testing.T) (*gorm.DB, postgres.Config) {
	t.Parallel()
	return pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
}

func product(id kernel.ProductID, name, price string) domain.Product {
	return kerneltest.Must(domain.UnmarshalProductFromDatabase(id, name, kerneltest.Money(price)))
}

// newOrder returns the original's sample order, initialized PENDING.
func newOrder(t *testing.T) *domain.Order {
	t.Helper()
	order := kerneltest.Must(domain.NewOrder(customer1, restaurant1, kerneltest.Must(domain.NewStreetAddress("street_1", "1000AB", "Amsterdam")),
		kerneltest.Money("200.00"), []domain.OrderItem{
			kerneltest.Must(domain.NewOrderItem(product2, 1, kerneltest.Money("50.00"), kerneltest.Money("50.00"))),
			kerneltest.Must(domain.NewOrderItem(product2, 3, kerneltest.Money("50.00"), kerneltest.Money("150.00"))),
		}))
	restaurant := kerneltest.Must(domain.UnmarshalRestaurantFromDatabase(restaurant1, true, []domain.Product{product(product2, "product_2", "50.00")}))
	_, err := domain.NewOrderDomainService(nil).ValidateAndInitiateOrder(order, *restaurant)
	require.NoError(t, err)
	return order
}

func paymentMessage(sagaID kernel.SagaID, order *domain.Order, asks kernel.PaymentOrderStatus, status saga.Status) *application.PaymentOutboxMessage {
	return &application.PaymentOutboxMessage{
		ID:        kernel.NewID[kernel.MessageID](),
		SagaID:    sagaID,
		CreatedAt: createdAt,
		Type:      saga.OrderSagaName,
		Payload: application.OrderPaymentEventPayload{
			OrderID: order.ID(), CustomerID: order.CustomerID(), Price: order.Price(), CreatedAt: createdAt, PaymentOrderStatus: asks,
		},
		SagaStatus:         status,
		OrderStatus:        order.Status(),
		OutboxStatus:       outbox.StatusStarted,
		PaymentOrderStatus: asks,
	}
}

func approvalMessage(sagaID kernel.SagaID, order *domain.Order) *application.OrderApprovalOutboxMessage {
	return &application.OrderApprovalOutboxMessage{
		ID:        kernel.NewID[kernel.MessageID](),
		SagaID:    sagaID,
		CreatedAt: createdAt,
		Type:      saga.OrderSagaName,
		Payload: application.OrderApprovalEventPayload{
			OrderID: order.ID(), RestaurantID: order.RestaurantID(), Price: order.Price(), CreatedAt: createdAt,
			RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid,
			Products:              []application.OrderApprovalEventProduct{{ID: product2, Quantity: 4}},
		},
		SagaStatus:            saga.StatusProcessing,
		OrderStatus:           kernel.OrderStatusPaid,
		OutboxStatus:          outbox.StatusStarted,
		RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid,
	}
}

// publishedAgo marks the row with id in table published by a relay age ago,
// in the database's clock, as the relay's mark does.
func publishedAgo(t *testing.T, db *gorm.DB, table string, id kernel.MessageID, age time.Duration) {
	t.Helper()
	pgtest.Exec(t, db, `UPDATE `+table+` SET outbox_status = 'COMPLETED', processed_at = clock_timestamp() - make_interval(secs => ?)
		WHERE id = ?`, age.Seconds(), id.UUID())
}

func count(t *testing.T, db *gorm.DB, table string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.Table(table).Count(&n).Error)
	return n
}
