package dataaccess_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/postgres/pgtest"
	"github.com/food-ordering-system/infrastructure/saga"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
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

func money(s string) kernel.Money { return kernel.MustParseMoney(s) }

func newDB(t *testing.T) (*gorm.DB, postgres.Config) {
	t.Parallel()
	return pgtest.New(t, migrations.FS)
}

// newOrder returns the original's sample order, initialized PENDING.
func newOrder(t *testing.T) *domain.Order {
	t.Helper()
	order := domain.NewOrder(customer1, restaurant1, domain.StreetAddress{Street: "street_1", PostalCode: "1000AB", City: "Amsterdam"},
		money("200.00"), []domain.OrderItem{
			domain.NewOrderItem(domain.NewProductRef(product2), 1, money("50.00"), money("50.00")),
			domain.NewOrderItem(domain.NewProductRef(product2), 3, money("50.00"), money("150.00")),
		})
	restaurant := domain.Restaurant{ID: restaurant1, Active: true, Products: []domain.Product{{ID: product2, Name: "product_2", Price: money("50.00")}}}
	_, err := domain.NewOrderDomainService(nil).ValidateAndInitiateOrder(order, restaurant)
	require.NoError(t, err)
	return order
}

func TestSeededReadModels(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	customers := dataaccess.NewCustomerRepository(db)
	restaurants := dataaccess.NewRestaurantRepository(db)

	c, err := customers.FindCustomer(ctx, customer1)
	require.NoError(t, err)
	assert.Equal(t, customer1, c.ID)
	_, err = customers.FindCustomer(ctx, kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb43"))
	require.NoError(t, err)
	_, err = customers.FindCustomer(ctx, kernel.NewID[kernel.CustomerID]())
	assert.ErrorIs(t, err, application.ErrNotFound)

	r1, err := restaurants.FindRestaurantInformation(ctx, restaurant1)
	require.NoError(t, err)
	assert.True(t, r1.Active)
	require.Len(t, r1.Products, 2)
	assert.Equal(t, domain.Product{ID: product1, Name: "product_1", Price: money("25.00")}.ID, r1.Products[0].ID)
	assert.Equal(t, "product_1", r1.Products[0].Name)
	assert.True(t, money("25").Equal(r1.Products[0].Price))
	assert.Equal(t, product2, r1.Products[1].ID)
	assert.True(t, money("50").Equal(r1.Products[1].Price))

	r2, err := restaurants.FindRestaurantInformation(ctx, restaurant2)
	require.NoError(t, err)
	assert.False(t, r2.Active)
	require.Len(t, r2.Products, 2)
	assert.Equal(t, []kernel.ProductID{product3, product4}, []kernel.ProductID{r2.Products[0].ID, r2.Products[1].ID})

	_, err = restaurants.FindRestaurantInformation(ctx, kernel.NewID[kernel.RestaurantID]())
	assert.ErrorIs(t, err, application.ErrNotFound)
}

func TestOrderRepositoryRoundTripAndOptimisticLocking(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewOrderRepository(db)
	order := newOrder(t)

	require.NoError(t, repo.Insert(ctx, order))

	byID, err := repo.FindByID(ctx, order.ID())
	require.NoError(t, err)
	byTracking, err := repo.FindByTrackingID(ctx, order.TrackingID())
	require.NoError(t, err)
	assert.Equal(t, byID, byTracking)
	assert.Equal(t, order.ID(), byID.ID())
	assert.Equal(t, order.TrackingID(), byID.TrackingID())
	assert.Equal(t, customer1, byID.CustomerID())
	assert.Equal(t, restaurant1, byID.RestaurantID())
	assert.Equal(t, order.DeliveryAddress(), byID.DeliveryAddress())
	assert.Equal(t, "200.00", byID.Price().String())
	assert.Equal(t, kernel.OrderStatusPending, byID.Status())
	assert.Empty(t, byID.FailureMessages())
	assert.Equal(t, 0, byID.Version())
	items := byID.Items()
	require.Len(t, items, 2)
	assert.Equal(t, domain.OrderItemID(2), items[1].ID())
	assert.Equal(t, product2, items[1].Product().ID)
	assert.Equal(t, 3, items[1].Quantity())
	assert.Equal(t, "150.00", items[1].SubTotal().String())

	// Two readers of version 0: the first update wins, the second conflicts.
	stale, err := repo.FindByID(ctx, order.ID())
	require.NoError(t, err)
	require.NoError(t, byID.Cancel([]string{"no credit", "really"}))
	require.NoError(t, repo.Update(ctx, byID))
	require.NoError(t, stale.Pay())
	err = repo.Update(ctx, stale)
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(err))

	reread, err := repo.FindByID(ctx, order.ID())
	require.NoError(t, err)
	assert.Equal(t, kernel.OrderStatusCancelled, reread.Status())
	assert.Equal(t, []string{"no credit", "really"}, reread.FailureMessages())
	assert.Equal(t, 1, reread.Version())

	_, err = repo.FindByTrackingID(ctx, kernel.NewID[kernel.TrackingID]())
	assert.ErrorIs(t, err, application.ErrNotFound)
	_, err = repo.FindByID(ctx, kernel.NewID[kernel.OrderID]())
	assert.ErrorIs(t, err, application.ErrNotFound)
}

func TestTransactionRollsBackEveryWrite(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	orders := dataaccess.NewOrderRepository(db)
	payments := dataaccess.NewPaymentOutboxRepository(db)
	order := newOrder(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	boom := errors.New("boom")

	err := postgres.NewTransactor(db).Transact(ctx, func(ctx context.Context) error {
		if err := orders.Insert(ctx, order); err != nil {
			return err
		}
		if err := payments.Save(ctx, paymentMessage(sagaID, order, kernel.PaymentOrderStatusPending, saga.StatusStarted)); err != nil {
			return err
		}
		return boom
	})

	require.ErrorIs(t, err, boom)
	_, err = orders.FindByID(ctx, order.ID())
	assert.ErrorIs(t, err, application.ErrNotFound)
	rows, err := payments.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusStarted)
	require.NoError(t, err)
	assert.Empty(t, rows)
}

func paymentMessage(sagaID kernel.SagaID, order *domain.Order, asks kernel.PaymentOrderStatus, status saga.Status) *application.PaymentOutboxMessage {
	return &application.PaymentOutboxMessage{
		ID:        kernel.NewID[kernel.MessageID](),
		SagaID:    sagaID,
		CreatedAt: createdAt,
		Type:      application.OrderSagaName,
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
		Type:      application.OrderSagaName,
		Payload: application.OrderApprovalEventPayload{
			OrderID: order.ID(), RestaurantID: order.RestaurantID(), Price: order.Price(), CreatedAt: createdAt,
			RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid,
			Products:              []application.OrderApprovalEventProduct{{ID: product2, Quantity: 4}},
		},
		SagaStatus:   saga.StatusProcessing,
		OrderStatus:  kernel.OrderStatusPaid,
		OutboxStatus: outbox.StatusStarted,
	}
}

func TestPaymentOutboxRepository(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewPaymentOutboxRepository(db)
	order := newOrder(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	p1 := paymentMessage(sagaID, order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	require.NoError(t, repo.Save(ctx, p1))

	// A second request of the same kind for the saga is refused.
	dup := paymentMessage(sagaID, order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(repo.Save(ctx, dup)))

	found, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusStarted)
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, p1, found[0], "a row reads back as it was written")

	none, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusProcessing, saga.StatusCompensating)
	require.NoError(t, err)
	assert.Empty(t, none)

	// The refund row of the same saga is allowed, and both rows can end
	// COMPENSATED (the original's unique index forbade it).
	p2 := paymentMessage(sagaID, order, kernel.PaymentOrderStatusCancelled, saga.StatusCompensating)
	p2.CreatedAt = createdAt.Add(time.Minute)
	require.NoError(t, repo.Save(ctx, p2))
	require.NoError(t, repo.Update(ctx, &application.PaymentOutboxMessage{ID: p1.ID, OrderStatus: kernel.OrderStatusPaid, SagaStatus: saga.StatusProcessing}))

	both, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusProcessing, saga.StatusCompensating)
	require.NoError(t, err)
	require.Len(t, both, 2)
	assert.Equal(t, []kernel.MessageID{p1.ID, p2.ID}, []kernel.MessageID{both[0].ID, both[1].ID}, "oldest first")
	for _, m := range both {
		m.OrderStatus, m.SagaStatus = kernel.OrderStatusCancelled, saga.StatusCompensated
		require.NoError(t, repo.Update(ctx, m))
	}
	done, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusCompensated)
	require.NoError(t, err)
	assert.Len(t, done, 2)
	assert.Equal(t, 2, done[0].Version)

	// A stale version conflicts.
	err = repo.Update(ctx, both[0])
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(err))
}

func TestSagaUpdateLeavesTheRelayColumnsAlone(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewPaymentOutboxRepository(db)
	store := dataaccess.NewPaymentOutboxStore(db, false)
	order := newOrder(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	p1 := paymentMessage(sagaID, order, kernel.PaymentOrderStatusPending, saga.StatusStarted)
	require.NoError(t, repo.Save(ctx, p1))
	read, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusStarted)
	require.NoError(t, err)

	// The relay publishes the row between the saga's read and its update.
	claimed, err := store.Claim(ctx, 10, func(_ context.Context, batch []outbox.Message) ([]uuid.UUID, error) {
		ids := make([]uuid.UUID, len(batch))
		for i, m := range batch {
			ids[i] = m.ID
		}
		return ids, nil
	})
	require.NoError(t, err)
	require.Equal(t, 1, claimed)

	// The relay touches only its own columns, never the saga's version, so
	// the saga's update of what it read before the publish goes through...
	stale := read[0]
	stale.OrderStatus, stale.SagaStatus = kernel.OrderStatusPaid, saga.StatusProcessing
	require.NoError(t, repo.Update(ctx, stale), "a publish does not conflict with a reply")

	// ...and leaves the relay's columns as the relay set them.
	after, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusProcessing)
	require.NoError(t, err)
	require.Len(t, after, 1)
	assert.Equal(t, outbox.StatusCompleted, after[0].OutboxStatus, "the saga never resets the relay's status")
	require.NotNil(t, after[0].ProcessedAt)
	assert.Equal(t, kernel.OrderStatusPaid, after[0].OrderStatus)

	// The version still guards the saga against itself: a second update from
	// the same stale read is refused.
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(repo.Update(ctx, stale)))
}

func TestApprovalOutboxRepository(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	repo := dataaccess.NewApprovalOutboxRepository(db)
	order := newOrder(t)
	sagaID := kernel.NewID[kernel.SagaID]()
	a := approvalMessage(sagaID, order)
	require.NoError(t, repo.Save(ctx, a))
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(repo.Save(ctx, approvalMessage(sagaID, order))), "one approval row per saga")

	found, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusProcessing)
	require.NoError(t, err)
	assert.Equal(t, a, found)

	_, err = repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusCompensating)
	assert.ErrorIs(t, err, application.ErrNotFound)

	found.OrderStatus, found.SagaStatus = kernel.OrderStatusCancelling, saga.StatusCompensating
	require.NoError(t, repo.Update(ctx, found))
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(repo.Update(ctx, found)), "stale version")

	moved, err := repo.FindBySagaIDAndSagaStatus(ctx, sagaID, saga.StatusCompensating)
	require.NoError(t, err)
	assert.Equal(t, kernel.OrderStatusCancelling, moved.OrderStatus)
	assert.Equal(t, 1, moved.Version)
}

func count(t *testing.T, db *gorm.DB, table string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.Table(table).Count(&n).Error)
	return n
}

func TestCleanersRemoveOnlyFinishedSagas(t *testing.T) {
	for _, archive := range []bool{false, true} {
		t.Run(map[bool]string{false: "delete", true: "archive"}[archive], func(t *testing.T) {
			db, _ := newDB(t)
			ctx := context.Background()
			payments := dataaccess.NewPaymentOutboxRepository(db)
			approvals := dataaccess.NewApprovalOutboxRepository(db)
			order := newOrder(t)

			// Finished: published and the saga over. Unfinished: published
			// but still PROCESSING, or SUCCEEDED but not yet published.
			insert := func(sagaStatus saga.Status, outboxStatus outbox.Status) {
				sagaID := kernel.NewID[kernel.SagaID]()
				p := paymentMessage(sagaID, order, kernel.PaymentOrderStatusPending, sagaStatus)
				p.OutboxStatus = outboxStatus
				require.NoError(t, payments.Save(ctx, p))
				a := approvalMessage(sagaID, order)
				a.SagaStatus, a.OutboxStatus = sagaStatus, outboxStatus
				require.NoError(t, approvals.Save(ctx, a))
			}
			insert(saga.StatusSucceeded, outbox.StatusCompleted)
			insert(saga.StatusCompensated, outbox.StatusCompleted)
			insert(saga.StatusFailed, outbox.StatusCompleted)
			insert(saga.StatusProcessing, outbox.StatusCompleted)
			insert(saga.StatusCompensating, outbox.StatusCompleted)
			insert(saga.StatusSucceeded, outbox.StatusStarted)

			for _, store := range []*postgres.OutboxStore{dataaccess.NewPaymentOutboxStore(db, archive), dataaccess.NewApprovalOutboxStore(db, archive)} {
				removed, err := store.CleanFinished(ctx)
				require.NoError(t, err)
				assert.Equal(t, int64(3), removed)
			}
			assert.Equal(t, int64(3), count(t, db, "payment_outbox"))
			assert.Equal(t, int64(3), count(t, db, "order_approval_outbox"))
			archived := map[bool]int64{false: 0, true: 3}[archive]
			assert.Equal(t, archived, count(t, db, "payment_outbox_archive"))
			assert.Equal(t, archived, count(t, db, "order_approval_outbox_archive"))
		})
	}
}

func TestOutboxInsertWakesTheRelay(t *testing.T) {
	db, cfg := newDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	wake := postgres.Listen(ctx, cfg, postgres.OutboxChannel(cfg.Schema, dataaccess.PaymentOutboxTable), zap.NewNop())
	select {
	case <-wake: // the signal every (re)connect sends
	case <-ctx.Done():
		t.Fatal("listener never connected")
	}

	order := newOrder(t)
	require.NoError(t, dataaccess.NewPaymentOutboxRepository(db).Save(ctx,
		paymentMessage(kernel.NewID[kernel.SagaID](), order, kernel.PaymentOrderStatusPending, saga.StatusStarted)))

	select {
	case <-wake:
	case <-time.After(10 * time.Second):
		t.Fatal("no NOTIFY after an insert into payment_outbox")
	}
}
