package dataaccess

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/domain"
)

// OrderRepository stores orders in orders, order_items and order_address.
type OrderRepository struct {
	db *gorm.DB
}

var _ application.OrderRepository = (*OrderRepository)(nil)

// NewOrderRepository returns the repository over db.
func NewOrderRepository(db *gorm.DB) *OrderRepository { return &OrderRepository{db: db} }

// Insert implements application.OrderRepository. The three tables are written
// together (in a savepoint when a transaction is open).
func (r *OrderRepository) Insert(ctx context.Context, order *domain.Order) error {
	row, items, address, err := orderToRows(order)
	if err != nil {
		return err
	}
	err = postgres.Conn(ctx, r.db).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if len(items) > 0 {
			if err := tx.Create(&items).Error; err != nil {
				return err
			}
		}
		return tx.Create(&address).Error
	})
	return postgres.WrapError(err, fmt.Sprintf("insert order %s", order.ID()))
}

// Update implements application.OrderRepository with optimistic locking.
func (r *OrderRepository) Update(ctx context.Context, order *domain.Order) error {
	failures, err := failureMessagesColumn(order)
	if err != nil {
		return err
	}
	res := postgres.Conn(ctx, r.db).Exec(`UPDATE orders SET order_status = ?, failure_messages = ?, version = version + 1
		WHERE id = ? AND version = ?`, string(order.Status()), failures, order.ID().UUID(), order.Version())
	if res.Error != nil {
		return postgres.WrapError(res.Error, fmt.Sprintf("update order %s", order.ID()))
	}
	if res.RowsAffected == 0 {
		return kernel.Errorf(kernel.ECodeConflict, "order %s was changed concurrently (version %d)", order.ID(), order.Version())
	}
	return nil
}

// FindByID implements application.OrderRepository.
func (r *OrderRepository) FindByID(ctx context.Context, id kernel.OrderID) (*domain.Order, error) {
	return r.find(ctx, "id = ?", id.UUID(), "order "+id.String())
}

// FindByTrackingID implements application.OrderRepository.
func (r *OrderRepository) FindByTrackingID(ctx context.Context, id kernel.TrackingID) (*domain.Order, error) {
	return r.find(ctx, "tracking_id = ?", id.UUID(), "order with tracking id "+id.String())
}

func (r *OrderRepository) find(ctx context.Context, where string, arg any, what string) (*domain.Order, error) {
	conn := postgres.Conn(ctx, r.db)
	var row orderRow
	err := conn.Where(where, arg).Take(&row).Error
	if err != nil {
		return nil, wrapReadError(err, "find "+what)
	}
	var items []orderItemRow
	if err := conn.Where("order_id = ?", row.ID).Order("id").Find(&items).Error; err != nil {
		return nil, postgres.WrapError(err, "find items of "+what)
	}
	var address orderAddressRow
	if err := conn.Where("order_id = ?", row.ID).Take(&address).Error; err != nil {
		return nil, postgres.WrapError(err, "find address of "+what)
	}
	return orderFromRows(row, items, address)
}
