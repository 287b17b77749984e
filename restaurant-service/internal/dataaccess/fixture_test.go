package dataaccess_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/dataaccess"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

// The seeded restaurants and products (migrations/000002_seed.up.sql).
var (
	restaurant1 = kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb45")
	restaurant2 = kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb46")
	product1    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb47")
	product2    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb48")
	product3    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb49")
	product4    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb50")
)

// newApprovalHelper is the real use case on the real repositories.
func newApprovalHelper(db *gorm.DB) *application.RestaurantApprovalRequestHelper {
	return application.NewRestaurantApprovalRequestHelper(postgres.NewTransactor(db),
		dataaccess.NewRestaurantRepository(db), dataaccess.NewOrderApprovalRepository(db), domain.NewRestaurantDomainService(),
		application.NewOrderOutboxHelper(dataaccess.NewOrderOutboxRepository(db, nil)), time.Now, zap.NewNop())
}

// countOf runs a count query.
func countOf(t *testing.T, db *gorm.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.Raw(query, args...).Scan(&n).Error)
	return n
}

// rejectedApproval is restaurant1's rejection of an order for product1.
func rejectedApproval(t *testing.T, orderID kernel.OrderID) *domain.OrderApproval {
	t.Helper()
	order, err := domain.NewOrderDetail(orderID, kernel.OrderStatusPaid, kernel.MustParseMoney("25.00"),
		[]domain.OrderLine{domain.NewOrderLine(product1, 1)})
	require.NoError(t, err)
	r, err := domain.UnmarshalRestaurantFromDatabase(restaurant1, true, nil)
	require.NoError(t, err)
	return domain.NewRestaurantDomainService().ValidateOrder(r, order, time.Now()).OrderApproval()
}

// outboxMessage is a REJECTED answer of sagaID.
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

// outboxRow is what the tests read back from order_outbox or its archive.
type outboxRow struct {
	OutboxStatus   string
	ApprovalStatus string
	Type           string
	Payload        string
	ProcessedAt    *time.Time
	Version        int
}

// readOutbox reads the row id of table, and false when there is none.
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
