package dataaccess

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/order-service/internal/application"
)

// IdempotencyKeyRepository stores idempotency keys in idempotency_keys.
type IdempotencyKeyRepository struct {
	db *gorm.DB
}

var _ application.IdempotencyKeyRepository = (*IdempotencyKeyRepository)(nil)

// NewIdempotencyKeyRepository returns the repository over db.
func NewIdempotencyKeyRepository(db *gorm.DB) *IdempotencyKeyRepository {
	return &IdempotencyKeyRepository{db: db}
}

// Insert implements application.IdempotencyKeyRepository. When a concurrent
// transaction holds the same key, the insert waits for it: it fails with
// kernel.ErrDuplicate once that one commits, and succeeds if it rolls
// back.
func (r *IdempotencyKeyRepository) Insert(ctx context.Context, key application.IdempotencyKey) error {
	row := idempotencyKeyRow{
		OrderID:        key.OrderID.UUID(),
		CustomerID:     key.CustomerID.UUID(),
		IdempotencyKey: key.Key,
		RequestHash:    key.RequestHash,
		TrackingID:     key.TrackingID.UUID(),
		OrderStatus:    string(key.OrderStatus),
		CreatedAt:      key.CreatedAt,
	}
	err := postgres.Conn(ctx, r.db).Create(&row).Error
	return postgres.WrapWriteError(err, fmt.Sprintf("insert idempotency key of order %s", key.OrderID))
}

// FindByKey implements application.IdempotencyKeyRepository.
func (r *IdempotencyKeyRepository) FindByKey(ctx context.Context, customerID kernel.CustomerID, key string) (*application.IdempotencyKey, error) {
	var row idempotencyKeyRow
	err := postgres.Conn(ctx, r.db).Where("customer_id = ? AND idempotency_key = ?", customerID.UUID(), key).Take(&row).Error
	if err != nil {
		// The key is the client's: it is not repeated in errors or logs.
		return nil, postgres.WrapReadError(err, "find idempotency key")
	}
	status, err := kernel.ParseStatus[kernel.OrderStatus](row.OrderStatus)
	if err != nil {
		return nil, fmt.Errorf("idempotency key of order %s: %w", row.OrderID, err)
	}
	return &application.IdempotencyKey{
		CustomerID:  kernel.IDFromUUID[kernel.CustomerID](row.CustomerID),
		Key:         row.IdempotencyKey,
		RequestHash: row.RequestHash,
		OrderID:     kernel.IDFromUUID[kernel.OrderID](row.OrderID),
		TrackingID:  kernel.IDFromUUID[kernel.TrackingID](row.TrackingID),
		OrderStatus: status,
		CreatedAt:   row.CreatedAt.UTC(),
	}, nil
}

// DeleteExpired implements application.IdempotencyKeyRepository. One batch is
// one short statement, so a large backlog never holds many locks at once.
func (r *IdempotencyKeyRepository) DeleteExpired(ctx context.Context, retention time.Duration, limit int) (int64, error) {
	res := postgres.Conn(ctx, r.db).Exec(`DELETE FROM `+tableIdempotencyKeys+` WHERE order_id IN (
		SELECT order_id FROM `+tableIdempotencyKeys+`
		 WHERE created_at < now() - make_interval(secs => ?)
		 ORDER BY created_at LIMIT ?)`, retention.Seconds(), limit)
	if err := postgres.WrapWriteError(res.Error, "delete expired idempotency keys"); err != nil {
		return 0, err
	}
	return res.RowsAffected, nil
}
