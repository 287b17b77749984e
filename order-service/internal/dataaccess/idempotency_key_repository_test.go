package dataaccess_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
	"github.com/food-ordering-system/order-service/internal/domain"
	"github.com/food-ordering-system/order-service/migrations"
)

// storedOrderWithKey inserts a new order and returns the key record that
// would go with it.
func storedOrderWithKey(t *testing.T, db *gorm.DB, key string) (*domain.Order, application.IdempotencyKey) {
	t.Helper()
	order := newOrder(t)
	require.NoError(t, dataaccess.NewOrderRepository(db).Insert(context.Background(), order))
	return order, application.IdempotencyKey{
		CustomerID: order.CustomerID(), Key: key, RequestHash: strings.Repeat("ab", 32), OrderID: order.ID(), TrackingID: order.TrackingID(),
		OrderStatus: kernel.OrderStatusPending, CreatedAt: createdAt,
	}
}

func TestIdempotencyKeyRepositoryRoundTrip(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	keys := dataaccess.NewIdempotencyKeyRepository(db)
	_, key := storedOrderWithKey(t, db, "client-key-1")

	require.NoError(t, keys.Insert(ctx, key))

	found, err := keys.FindByKey(ctx, customer1, "client-key-1")
	require.NoError(t, err)
	assert.Equal(t, key, *found)
	_, err = keys.FindByKey(ctx, customer1, "client-key-2")
	assert.ErrorIs(t, err, kernel.ErrNotFound)
	_, err = keys.FindByKey(ctx, customer1, "CLIENT-KEY-1")
	assert.ErrorIs(t, err, kernel.ErrNotFound, "keys are compared exactly")
}

func TestIdempotencyKeyRepositoryRefusesAStoredKey(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	keys := dataaccess.NewIdempotencyKeyRepository(db)
	_, first := storedOrderWithKey(t, db, "client-key")
	_, second := storedOrderWithKey(t, db, "client-key")
	require.NoError(t, keys.Insert(ctx, first))

	err := keys.Insert(ctx, second)

	assert.ErrorIs(t, err, kernel.ErrDuplicate)
	found, err := keys.FindByKey(ctx, customer1, "client-key")
	require.NoError(t, err)
	assert.Equal(t, first.OrderID, found.OrderID, "the first order keeps the key")
}

// TestIdempotencyKeyInsertWaitsForTheTransactionHoldingTheKey shows what
// makes concurrent creates with one key safe: the second insert waits on the
// unique index until the first transaction ends, then fails if it committed
// and succeeds if it rolled back.
func TestIdempotencyKeyInsertWaitsForTheTransactionHoldingTheKey(t *testing.T) {
	for _, firstCommits := range []bool{true, false} {
		name := "first rolls back"
		if firstCommits {
			name = "first commits"
		}
		t.Run(name, func(t *testing.T) {
			db, _ := newDB(t)
			ctx := context.Background()
			tx := postgres.NewTransactor(db)
			keys := dataaccess.NewIdempotencyKeyRepository(db)
			_, first := storedOrderWithKey(t, db, "raced-key")
			_, second := storedOrderWithKey(t, db, "raced-key")
			rollback := errors.New("first rolls back")

			held, release, firstDone := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			go func() {
				firstDone <- tx.Transact(ctx, func(ctx context.Context) error {
					if err := keys.Insert(ctx, first); err != nil {
						close(held)
						return err
					}
					close(held)
					<-release
					if firstCommits {
						return nil
					}
					return rollback
				})
			}()
			<-held

			pid, secondDone := make(chan int, 1), make(chan error, 1)
			go func() {
				secondDone <- tx.Transact(ctx, func(ctx context.Context) error {
					var p int
					if err := postgres.Conn(ctx, db).Raw(`SELECT pg_backend_pid()`).Scan(&p).Error; err != nil {
						pid <- 0
						return err
					}
					pid <- p
					return keys.Insert(ctx, second)
				})
			}()
			backend := <-pid
			require.NotZero(t, backend)
			require.Eventually(t, func() bool {
				var waiting string
				err := db.Raw(`SELECT coalesce(wait_event_type, '') FROM pg_stat_activity WHERE pid = ?`, backend).Scan(&waiting).Error
				return err == nil && waiting == "Lock"
			}, 10*time.Second, 10*time.Millisecond, "the second insert waits for the first transaction")

			close(release)
			firstErr := <-firstDone
			secondErr := <-secondDone

			found, err := keys.FindByKey(ctx, customer1, "raced-key")
			require.NoError(t, err)
			if firstCommits {
				require.NoError(t, firstErr)
				assert.ErrorIs(t, secondErr, kernel.ErrDuplicate)
				assert.Equal(t, first.OrderID, found.OrderID)
				return
			}
			require.ErrorIs(t, firstErr, rollback)
			require.NoError(t, secondErr)
			assert.Equal(t, second.OrderID, found.OrderID)
		})
	}
}

// orderOf returns the sample order placed by customer, initialized PENDING.
func orderOf(t *testing.T, customer kernel.CustomerID) *domain.Order {
	t.Helper()
	order := kerneltest.Must(domain.NewOrder(customer, restaurant1, kerneltest.Must(domain.NewStreetAddress("street_1", "1000AB", "Amsterdam")),
		kerneltest.Money("50.00"), []domain.OrderItem{kerneltest.Must(domain.NewOrderItem(product2, 1, kerneltest.Money("50.00"), kerneltest.Money("50.00")))}))
	restaurant := kerneltest.Must(domain.UnmarshalRestaurantFromDatabase(restaurant1, true, []domain.Product{product(product2, "product_2", "50.00")}))
	_, err := domain.NewOrderDomainService(nil).ValidateAndInitiateOrder(order, *restaurant)
	require.NoError(t, err)
	return order
}

// A key is the customer's own: another customer may use the same one for
// another order, and each finds only their own.
func TestIdempotencyKeysArePerCustomer(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	keys := dataaccess.NewIdempotencyKeyRepository(db)
	customer2 := kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb43")
	stored := map[kernel.CustomerID]application.IdempotencyKey{}
	for _, customer := range []kernel.CustomerID{customer1, customer2} {
		order := orderOf(t, customer)
		require.NoError(t, dataaccess.NewOrderRepository(db).Insert(ctx, order))
		key := application.IdempotencyKey{CustomerID: customer, Key: "same-key", RequestHash: strings.Repeat("cd", 32),
			OrderID: order.ID(), TrackingID: order.TrackingID(), OrderStatus: kernel.OrderStatusPending, CreatedAt: createdAt}
		require.NoError(t, keys.Insert(ctx, key), "customer %s", customer)
		stored[customer] = key
	}

	for customer, want := range stored {
		found, err := keys.FindByKey(ctx, customer, "same-key")
		require.NoError(t, err)
		assert.Equal(t, want, *found, "customer %s finds their own order", customer)
	}
	_, err := keys.FindByKey(ctx, kernel.NewID[kernel.CustomerID](), "same-key")
	assert.ErrorIs(t, err, kernel.ErrNotFound, "a third customer finds nothing")
}

// Keys older than the retention are removed, by the database's clock, at most
// limit per call and oldest first; younger ones stay.
func TestIdempotencyKeysOlderThanTheRetentionAreDeletedInBatches(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	keys := dataaccess.NewIdempotencyKeyRepository(db)
	ages := map[string]string{"oldest": "3 hours", "old": "2 hours", "young": "30 minutes"}
	for key, age := range ages {
		_, k := storedOrderWithKey(t, db, key)
		require.NoError(t, keys.Insert(ctx, k))
		pgtest.Exec(t, db, `UPDATE idempotency_keys SET created_at = now() - ?::interval WHERE idempotency_key = ?`, age, key)
	}
	remaining := func() []string {
		var names []string
		require.NoError(t, db.Raw(`SELECT idempotency_key FROM idempotency_keys ORDER BY created_at`).Scan(&names).Error)
		return names
	}

	deleted, err := keys.DeleteExpired(ctx, time.Hour, 1)
	require.NoError(t, err)
	assert.EqualValues(t, 1, deleted)
	assert.Equal(t, []string{"old", "young"}, remaining(), "the oldest first, one per call")

	deleted, err = keys.DeleteExpired(ctx, time.Hour, 10)
	require.NoError(t, err)
	assert.EqualValues(t, 1, deleted)
	deleted, err = keys.DeleteExpired(ctx, time.Hour, 10)
	require.NoError(t, err)
	assert.Zero(t, deleted)
	assert.Equal(t, []string{"young"}, remaining())
}

// Keys stored before they were per customer get their order's customer.
func TestMigrationGivesExistingKeysTheirOrdersCustomer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	before := fstest.MapFS{}
	entries, err := fs.ReadDir(migrations.FS, ".")
	require.NoError(t, err)
	for _, e := range entries {
		if e.Name() < "000007" {
			content, err := fs.ReadFile(migrations.FS, e.Name())
			require.NoError(t, err)
			before[e.Name()] = &fstest.MapFile{Data: content}
		}
	}
	db, cfg := pgtest.New(t, before)
	order := newOrder(t)
	require.NoError(t, dataaccess.NewOrderRepository(db).Insert(ctx, order))
	pgtest.Exec(t, db, `INSERT INTO idempotency_keys (order_id, idempotency_key, request_hash, tracking_id, order_status, created_at)
		VALUES (?, 'old-key', ?, ?, 'PENDING', now())`, order.ID().UUID(), strings.Repeat("ef", 32), order.TrackingID().UUID())

	require.NoError(t, postgres.Migrate(ctx, db, cfg.Schema, migrations.FS))

	found, err := dataaccess.NewIdempotencyKeyRepository(db).FindByKey(ctx, order.CustomerID(), "old-key")
	require.NoError(t, err)
	assert.Equal(t, order.ID(), found.OrderID)
	assert.Equal(t, order.CustomerID(), found.CustomerID)
}
