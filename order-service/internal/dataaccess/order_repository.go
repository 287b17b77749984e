package dataaccess

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

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
// together, by one statement.
func (r *OrderRepository) Insert(ctx context.Context, order *domain.Order) error {
	row, items, address, err := rowsFromOrder(order)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return kernel.Internal(domain.ErrInvalidOrderItems, "order %s has no items to insert", order.ID())
	}
	// One statement writes the order, its address and its items: atomic on
	// its own (the foreign keys are checked at its end), so it needs neither
	// a transaction nor a savepoint in the caller's, and it costs one round
	// trip instead of five.
	var sql strings.Builder
	args := []any{row.ID, row.CustomerID, row.RestaurantID, row.TrackingID, row.Price, row.OrderStatus, row.FailureMessages, row.Version,
		address.OrderID, address.Street, address.PostalCode, address.City}
	sql.WriteString(`WITH inserted_order AS (
			INSERT INTO orders (id, customer_id, restaurant_id, tracking_id, price, order_status, failure_messages, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)),
		inserted_address AS (
			INSERT INTO order_address (order_id, street, postal_code, city) VALUES (?, ?, ?, ?))
		INSERT INTO order_items (order_id, id, product_id, price, quantity, sub_total) VALUES `)
	for i, item := range items {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?, ?, ?, ?, ?, ?)")
		args = append(args, item.OrderID, item.ID, item.ProductID, item.Price, item.Quantity, item.SubTotal)
	}
	err = postgres.Conn(ctx, r.db).Exec(sql.String(), args...).Error
	return postgres.WrapError(err, fmt.Sprintf("insert order %s", order.ID()))
}

// Update implements application.OrderRepository with optimistic locking.
func (r *OrderRepository) Update(ctx context.Context, order *domain.Order) error {
	failures, err := failureMessagesColumn(order)
	if err != nil {
		return err
	}
	res := postgres.Conn(ctx, r.db).Exec(`UPDATE orders SET order_status = ?, failure_messages = ?, version = version + 1,
			updated_at = statement_timestamp()
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

// find loads an order, its items and its address in one round trip: the
// saga steps load an order for every reply, so this query is on the hot path.
func (r *OrderRepository) find(ctx context.Context, where string, arg any, what string) (*domain.Order, error) {
	var row orderWithParts
	err := postgres.Conn(ctx, r.db).Raw(`SELECT o.id, o.customer_id, o.restaurant_id, o.tracking_id, o.price,
			o.order_status, o.failure_messages, o.version, a.street, a.postal_code, a.city,
			COALESCE((SELECT json_agg(json_build_object('order_id', i.order_id, 'id', i.id, 'product_id', i.product_id,
				'price', i.price, 'quantity', i.quantity, 'sub_total', i.sub_total) ORDER BY i.id)
				FROM order_items i WHERE i.order_id = o.id), '[]') AS items
		FROM orders o JOIN order_address a ON a.order_id = o.id
		WHERE o.`+where+` LIMIT 1`, arg).Take(&row).Error
	if err != nil {
		return nil, postgres.WrapReadError(err, "find "+what)
	}
	var items []orderItemRow
	if err := json.Unmarshal([]byte(row.Items), &items); err != nil {
		return nil, kernel.Internal(err, "items of %s are not readable", what)
	}
	address := orderAddressRow{OrderID: row.ID, Street: row.Street, PostalCode: row.PostalCode, City: row.City}
	order := orderRow{ID: row.ID, CustomerID: row.CustomerID, RestaurantID: row.RestaurantID, TrackingID: row.TrackingID,
		Price: row.Price, OrderStatus: row.OrderStatus, FailureMessages: row.FailureMessages, Version: row.Version}
	return orderFromRows(order, items, address)
}
