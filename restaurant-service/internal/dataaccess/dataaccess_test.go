package dataaccess_test

import (
	"context"
	"encoding/json"
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
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/dataaccess"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
	"github.com/food-ordering-system/restaurant-service/migrations"
)

var (
	restaurant1 = kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb45")
	restaurant2 = kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb46")
	product1    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb47")
	product2    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb48")
	product3    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb49")
	product4    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb50")
)

func TestRestaurantRepositoryReadsTheSeededCatalog(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS)
	repo := dataaccess.NewRestaurantRepository(db)
	ctx := context.Background()

	r1, err := repo.FindRestaurantInformation(ctx, restaurant1, []kernel.ProductID{product1, product2, product3})
	require.NoError(t, err)
	assert.Equal(t, restaurant1, r1.ID())
	assert.True(t, r1.Active())
	p1, ok := r1.Product(product1)
	require.True(t, ok)
	assert.Equal(t, "product_1", p1.Name())
	assert.Equal(t, "25.00", p1.Price().String())
	assert.False(t, p1.Available())
	p2, ok := r1.Product(product2)
	require.True(t, ok)
	assert.Equal(t, "50.00", p2.Price().String())
	assert.True(t, p2.Available())
	_, ok = r1.Product(product3)
	assert.False(t, ok, "product_3 belongs to restaurant_2, not restaurant_1")

	r2, err := repo.FindRestaurantInformation(ctx, restaurant2, []kernel.ProductID{product4})
	require.NoError(t, err)
	assert.False(t, r2.Active())
	p4, ok := r2.Product(product4)
	require.True(t, ok)
	assert.Equal(t, "40.00", p4.Price().String())
	assert.True(t, p4.Available())
	_, ok = r2.Product(product3)
	assert.False(t, ok, "only the products asked for are loaded")
}

func TestRestaurantRepositoryUnknownRestaurantIsNotFound(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS)

	_, err := dataaccess.NewRestaurantRepository(db).
		FindRestaurantInformation(context.Background(), kernel.NewID[kernel.RestaurantID](), []kernel.ProductID{product2})
	assert.ErrorIs(t, err, application.ErrNotFound)
}

func rejectedApproval(t *testing.T, orderID kernel.OrderID) *domain.OrderApproval {
	t.Helper()
	order, err := domain.NewOrderDetail(orderID, kernel.OrderStatusPaid, kernel.MustParseMoney("25.00"),
		[]domain.OrderLine{domain.NewOrderLine(product1, 1)})
	require.NoError(t, err)
	r, err := domain.UnmarshalRestaurantFromDatabase(restaurant1, true, nil)
	require.NoError(t, err)
	return domain.NewRestaurantDomainService().ValidateOrder(r, order, time.Now()).OrderApproval()
}

func TestOrderApprovalRepositoryRoundTripAndUniquePerOrder(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS)
	repo := dataaccess.NewOrderApprovalRepository(db)
	ctx := context.Background()
	orderID := kernel.NewID[kernel.OrderID]()
	approval := rejectedApproval(t, orderID)
	require.Equal(t, kernel.OrderApprovalStatusRejected, approval.Status())

	require.NoError(t, repo.Save(ctx, approval))

	got, err := repo.FindByOrderID(ctx, orderID)
	require.NoError(t, err)
	assert.Equal(t, approval, got)

	again := rejectedApproval(t, orderID) // a new id, the same order
	err = repo.Save(ctx, again)
	assert.ErrorIs(t, err, application.ErrDuplicate)

	_, err = repo.FindByOrderID(ctx, kernel.NewID[kernel.OrderID]())
	assert.ErrorIs(t, err, application.ErrNotFound)
}

func outboxMessage(sagaID kernel.SagaID, createdAt time.Time) application.OrderOutboxMessage {
	orderID := kernel.NewID[kernel.OrderID]()
	return application.OrderOutboxMessage{
		ID:        kernel.NewID[kernel.MessageID](),
		SagaID:    sagaID,
		CreatedAt: createdAt,
		Type:      saga.OrderSagaName,
		Payload: application.OrderEventPayload{
			OrderID:             orderID,
			RestaurantID:        restaurant1,
			CreatedAt:           createdAt,
			OrderApprovalStatus: kernel.OrderApprovalStatusRejected,
			FailureMessages:     []string{"Product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb47 is not available"},
		},
		ApprovalStatus: kernel.OrderApprovalStatusRejected,
		OutboxStatus:   outbox.StatusStarted,
	}
}

type outboxRow struct {
	OutboxStatus   string
	ApprovalStatus string
	Type           string
	Payload        string
	ProcessedAt    *time.Time
	Version        int
}

func readOutbox(t *testing.T, db *gorm.DB, table string, id kernel.MessageID) (outboxRow, bool) {
	t.Helper()
	var rows []outboxRow
	require.NoError(t, db.Raw("SELECT outbox_status, approval_status, type, payload::text AS payload, processed_at, version FROM "+
		table+" WHERE id = ?", id.UUID()).Scan(&rows).Error)
	if len(rows) == 0 {
		return outboxRow{}, false
	}
	return rows[0], true
}

func TestOrderOutboxRepositorySaveAndUniquePerSaga(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS)
	repo := dataaccess.NewOrderOutboxRepository(db, false)
	ctx := context.Background()
	sagaID := kernel.NewID[kernel.SagaID]()
	msg := outboxMessage(sagaID, kernel.EventTime(time.Now()))

	answered, err := repo.ExistsBySagaID(ctx, sagaID)
	require.NoError(t, err)
	assert.False(t, answered)

	require.NoError(t, repo.Save(ctx, msg))

	answered, err = repo.ExistsBySagaID(ctx, sagaID)
	require.NoError(t, err)
	assert.True(t, answered)
	row, ok := readOutbox(t, db, "order_outbox", msg.ID)
	require.True(t, ok)
	assert.Equal(t, "STARTED", row.OutboxStatus)
	assert.Equal(t, "REJECTED", row.ApprovalStatus)
	assert.Equal(t, saga.OrderSagaName, row.Type)
	assert.Nil(t, row.ProcessedAt)
	var payload application.OrderEventPayload
	require.NoError(t, json.Unmarshal([]byte(row.Payload), &payload))
	assert.Equal(t, msg.Payload.OrderID, payload.OrderID)
	assert.Equal(t, msg.Payload.FailureMessages, payload.FailureMessages)
	assert.True(t, msg.Payload.CreatedAt.Equal(payload.CreatedAt))

	second := outboxMessage(sagaID, kernel.EventTime(time.Now()))
	assert.ErrorIs(t, repo.Save(ctx, second), application.ErrDuplicate)
}

func TestOrderOutboxRepositoryRelayAndCleaner(t *testing.T) {
	for _, archive := range []bool{false, true} {
		name := "delete"
		if archive {
			name = "archive"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db, _ := pgtest.New(t, migrations.FS)
			repo := dataaccess.NewOrderOutboxRepository(db, archive)
			ctx := context.Background()
			base := kernel.EventTime(time.Now())
			first := outboxMessage(kernel.NewID[kernel.SagaID](), base)
			second := outboxMessage(kernel.NewID[kernel.SagaID](), base.Add(time.Millisecond))
			require.NoError(t, repo.Save(ctx, second))
			require.NoError(t, repo.Save(ctx, first))

			// The relay sees both rows in creation order and publishes only the first.
			claimed, err := repo.Claim(ctx, 10, func(_ context.Context, batch []outbox.Message) ([]uuid.UUID, error) {
				require.Len(t, batch, 2)
				assert.Equal(t, first.ID.UUID(), batch[0].ID)
				assert.Equal(t, first.SagaID.UUID(), batch[0].SagaID)
				assert.Equal(t, second.ID.UUID(), batch[1].ID)
				var payload application.OrderEventPayload
				require.NoError(t, json.Unmarshal(batch[0].Payload, &payload))
				assert.Equal(t, first.Payload.OrderID, payload.OrderID)
				return []uuid.UUID{batch[0].ID}, errors.New("second not acknowledged")
			})
			assert.Equal(t, 2, claimed)
			assert.Error(t, err)

			row, ok := readOutbox(t, db, "order_outbox", first.ID)
			require.True(t, ok)
			assert.Equal(t, "COMPLETED", row.OutboxStatus)
			assert.NotNil(t, row.ProcessedAt)
			row, ok = readOutbox(t, db, "order_outbox", second.ID)
			require.True(t, ok)
			assert.Equal(t, "STARTED", row.OutboxStatus)

			removed, err := repo.CleanFinished(ctx)
			require.NoError(t, err)
			assert.Equal(t, int64(1), removed)
			_, ok = readOutbox(t, db, "order_outbox", first.ID)
			assert.False(t, ok, "the published row is cleaned")
			_, ok = readOutbox(t, db, "order_outbox", second.ID)
			assert.True(t, ok, "the unpublished row stays")
			archived, ok := readOutbox(t, db, "order_outbox_archive", first.ID)
			assert.Equal(t, archive, ok)
			if archive {
				assert.Equal(t, "COMPLETED", archived.OutboxStatus)
			}
		})
	}
}

func TestApprovalAndOutboxRollBackTogether(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS)
	tx := postgres.NewTransactor(db)
	approvals := dataaccess.NewOrderApprovalRepository(db)
	outboxRepo := dataaccess.NewOrderOutboxRepository(db, false)
	ctx := context.Background()
	orderID := kernel.NewID[kernel.OrderID]()
	sagaID := kernel.NewID[kernel.SagaID]()
	boom := errors.New("boom")

	err := tx.Transact(ctx, func(ctx context.Context) error {
		require.NoError(t, approvals.Save(ctx, rejectedApproval(t, orderID)))
		require.NoError(t, outboxRepo.Save(ctx, outboxMessage(sagaID, kernel.EventTime(time.Now()))))
		return boom
	})
	require.ErrorIs(t, err, boom)

	_, err = approvals.FindByOrderID(ctx, orderID)
	assert.ErrorIs(t, err, application.ErrNotFound, "the approval was rolled back")
	answered, err := outboxRepo.ExistsBySagaID(ctx, sagaID)
	require.NoError(t, err)
	assert.False(t, answered, "the outbox row was rolled back")
}

func TestOrderOutboxInsertNotifiesTheRelay(t *testing.T) {
	t.Parallel()
	db, cfg := pgtest.New(t, migrations.FS)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	wake := postgres.Listen(ctx, cfg, dataaccess.OrderOutboxChannel(cfg.Schema), zap.NewNop())
	select {
	case <-wake: // the signal sent once LISTEN is in place
	case <-ctx.Done():
		t.Fatal("the listener never connected")
	}

	require.NoError(t, dataaccess.NewOrderOutboxRepository(db, false).
		Save(ctx, outboxMessage(kernel.NewID[kernel.SagaID](), kernel.EventTime(time.Now()))))

	select {
	case <-wake:
	case <-ctx.Done():
		t.Fatal("inserting an order_outbox row did not notify " + dataaccess.OrderOutboxChannel(cfg.Schema))
	}
}
