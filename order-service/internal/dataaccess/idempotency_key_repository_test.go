package dataaccess_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
	"github.com/food-ordering-system/order-service/internal/domain"
)

// storedOrderWithKey inserts a new order and returns the key record that
// would go with it.
func storedOrderWithKey(t *testing.T, db *gorm.DB, key string) (*domain.Order, application.IdempotencyKey) {
	t.Helper()
	order := newOrder(t)
	require.NoError(t, dataaccess.NewOrderRepository(db).Insert(context.Background(), order))
	return order, application.IdempotencyKey{
		Key: key, RequestHash: strings.Repeat("ab", 32), OrderID: order.ID(), TrackingID: order.TrackingID(),
		OrderStatus: kernel.OrderStatusPending, CreatedAt: createdAt,
	}
}

func TestIdempotencyKeyRepositoryRoundTrip(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	keys := dataaccess.NewIdempotencyKeyRepository(db)
	_, key := storedOrderWithKey(t, db, "client-key-1")

	require.NoError(t, keys.Insert(ctx, key))

	found, err := keys.FindByKey(ctx, "client-key-1")
	require.NoError(t, err)
	assert.Equal(t, key, *found)
	_, err = keys.FindByKey(ctx, "client-key-2")
	assert.ErrorIs(t, err, application.ErrNotFound)
	_, err = keys.FindByKey(ctx, "CLIENT-KEY-1")
	assert.ErrorIs(t, err, application.ErrNotFound, "keys are compared exactly")
}

func TestIdempotencyKeyRepositoryRefusesAStoredKey(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	keys := dataaccess.NewIdempotencyKeyRepository(db)
	_, first := storedOrderWithKey(t, db, "client-key")
	_, second := storedOrderWithKey(t, db, "client-key")
	require.NoError(t, keys.Insert(ctx, first))

	err := keys.Insert(ctx, second)

	assert.ErrorIs(t, err, application.ErrDuplicate)
	found, err := keys.FindByKey(ctx, "client-key")
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

			found, err := keys.FindByKey(ctx, "raced-key")
			require.NoError(t, err)
			if firstCommits {
				require.NoError(t, firstErr)
				assert.ErrorIs(t, secondErr, application.ErrDuplicate)
				assert.Equal(t, first.OrderID, found.OrderID)
				return
			}
			require.ErrorIs(t, firstErr, rollback)
			require.NoError(t, secondErr)
			assert.Equal(t, second.OrderID, found.OrderID)
		})
	}
}
