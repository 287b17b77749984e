package dataaccess

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/order-service/internal/application"
)

// SagaHistoryRepository reads the orders' times and the rows their sagas
// wrote, in the outbox tables and their archives. It only reads, and takes
// no lock.
type SagaHistoryRepository struct {
	db *gorm.DB
}

var _ application.SagaHistoryRepository = (*SagaHistoryRepository)(nil)

// NewSagaHistoryRepository returns the repository over db.
func NewSagaHistoryRepository(db *gorm.DB) *SagaHistoryRepository {
	return &SagaHistoryRepository{db: db}
}

// sagaOrderColumns are what a history needs of an order.
const sagaOrderColumns = `id, tracking_id, order_status, failure_messages, created_at, updated_at`

// FindByTrackingID implements application.SagaHistoryRepository.
func (r *SagaHistoryRepository) FindByTrackingID(ctx context.Context, id kernel.TrackingID) (*application.OrderSagaHistory, error) {
	var row sagaOrderRow
	err := postgres.Conn(ctx, r.db).Raw(`SELECT `+sagaOrderColumns+` FROM orders WHERE tracking_id = ?`, id.UUID()).Take(&row).Error
	if err != nil {
		return nil, postgres.WrapReadError(err, "find order with tracking id "+id.String())
	}
	histories, err := r.withRequests(ctx, []sagaOrderRow{row})
	if err != nil {
		return nil, err
	}
	return histories[0], nil
}

// FindByStatusOlderThan implements application.SagaHistoryRepository. The
// age is measured in SQL, against the clock that set created_at.
func (r *SagaHistoryRepository) FindByStatusOlderThan(ctx context.Context, statuses []kernel.OrderStatus, age time.Duration, limit int) ([]*application.OrderSagaHistory, error) {
	var rows []sagaOrderRow
	err := postgres.Conn(ctx, r.db).Raw(`SELECT `+sagaOrderColumns+` FROM orders
		WHERE order_status IN ? AND created_at < now() - make_interval(secs => ?) ORDER BY created_at, id LIMIT ?`,
		orderStatusStrings(statuses), age.Seconds(), limit).Scan(&rows).Error
	if err != nil {
		return nil, postgres.WrapError(err, fmt.Sprintf("find orders older than %s", age))
	}
	return r.withRequests(ctx, rows)
}

// CountByStatusOlderThan implements application.SagaHistoryRepository.
func (r *SagaHistoryRepository) CountByStatusOlderThan(ctx context.Context, statuses []kernel.OrderStatus, age time.Duration) (map[kernel.OrderStatus]int, error) {
	var rows []struct {
		OrderStatus string
		Orders      int
	}
	err := postgres.Conn(ctx, r.db).Raw(`SELECT order_status, count(*) AS orders FROM orders
		WHERE order_status IN ? AND created_at < now() - make_interval(secs => ?) GROUP BY order_status`,
		orderStatusStrings(statuses), age.Seconds()).Scan(&rows).Error
	if err != nil {
		return nil, postgres.WrapError(err, fmt.Sprintf("count orders older than %s", age))
	}
	counts := make(map[kernel.OrderStatus]int, len(rows))
	for _, row := range rows {
		counts[kernel.OrderStatus(row.OrderStatus)] = row.Orders
	}
	return counts, nil
}

// withRequests reads the saga rows of the orders, live and archived, in one
// statement, so that a row the cleaner moves meanwhile is seen once, and
// returns the orders' histories in the orders' order.
func (r *SagaHistoryRepository) withRequests(ctx context.Context, orders []sagaOrderRow) ([]*application.OrderSagaHistory, error) {
	if len(orders) == 0 {
		return []*application.OrderSagaHistory{}, nil
	}
	ids := make([]string, len(orders))
	for i, o := range orders {
		ids[i] = o.ID.String()
	}
	// The kind of each row: a payment row asks PENDING (the payment) or
	// CANCELLED (the refund); an approval row asks PAID (the approval) or
	// tells CANCELLED (the cancellation).
	var requests []sagaRequestRow
	err := postgres.Conn(ctx, r.db).Raw(`
		SELECT payload->>'orderId' AS order_id, `+paymentKind+` AS kind, created_at, processed_at, outbox_status, saga_status, resends
			FROM `+PaymentOutboxTable+` WHERE type = @type AND payload->>'orderId' IN @ids
		UNION ALL
		SELECT payload->>'orderId', `+paymentKind+`, created_at, processed_at, outbox_status, saga_status, resends
			FROM `+PaymentOutboxTable+`_archive WHERE type = @type AND payload->>'orderId' IN @ids
		UNION ALL
		SELECT payload->>'orderId', `+approvalKind+`, created_at, processed_at, outbox_status, saga_status, resends
			FROM `+OrderApprovalOutboxTable+` WHERE type = @type AND payload->>'orderId' IN @ids
		UNION ALL
		SELECT payload->>'orderId', `+approvalKind+`, created_at, processed_at, outbox_status, saga_status, resends
			FROM `+OrderApprovalOutboxTable+`_archive WHERE type = @type AND payload->>'orderId' IN @ids
		ORDER BY created_at`,
		map[string]any{"type": saga.OrderSagaName, "ids": ids, "cancelled": string(kernel.PaymentOrderStatusCancelled),
			"payment": kindPayment, "refund": kindRefund, "approval": kindApproval, "restaurantCancellation": kindRestaurantCancellation}).
		Scan(&requests).Error
	if err != nil {
		return nil, postgres.WrapError(err, fmt.Sprintf("find the saga rows of %d order(s)", len(orders)))
	}
	return sagaHistoriesFromRows(orders, requests)
}

// The kinds of a saga's rows.
const (
	kindPayment                = "payment"
	kindRefund                 = "refund"
	kindApproval               = "approval"
	kindRestaurantCancellation = "restaurant_cancellation"
)

// paymentKind and approvalKind compute a row's kind in SQL; the restaurant
// order status CANCELLED and the payment order status CANCELLED are spelled
// alike.
const (
	paymentKind  = `CASE payment_order_status WHEN @cancelled THEN @refund ELSE @payment END`
	approvalKind = `CASE restaurant_order_status WHEN @cancelled THEN @restaurantCancellation ELSE @approval END`
)
