package dataaccess

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/tracing"
	"github.com/food-ordering-system/restaurant-service/internal/application"
)

// OrderOutboxRepository writes and resends order_outbox rows, the answers to
// order-service; the relay and the cleaner see the table through
// NewOrderOutboxStore.
type OrderOutboxRepository struct {
	db    *gorm.DB
	relay outbox.AtCommit
}

var _ application.OrderOutboxRepository = (*OrderOutboxRepository)(nil)

// NewOrderOutboxRepository returns the repository over db. The rows it
// writes are leased to relay, the relay of this instance's order_outbox,
// which publishes them at commit; with a nil relay they wait for a claim.
func NewOrderOutboxRepository(db *gorm.DB, relay outbox.AtCommit) *OrderOutboxRepository {
	return &OrderOutboxRepository{db: db, relay: relay}
}

// NewOrderOutboxStore returns the order outbox as the relay and the cleaner
// see it: published (COMPLETED) rows are finished, and archive moves them to
// order_outbox_archive instead of deleting them.
func NewOrderOutboxStore(db *gorm.DB, archive bool) *postgres.OutboxStore {
	return postgres.NewOutboxStore(db, postgres.OutboxTable{Name: OrderOutboxTable, Archive: archive})
}

// Save implements application.OrderOutboxRepository. The unique index on
// saga_id turns a second answer to the saga into kernel.ErrDuplicate.
func (r *OrderOutboxRepository) Save(ctx context.Context, message application.OrderOutboxMessage) error {
	row, err := rowFromOrderOutbox(message)
	if err != nil {
		return err
	}
	row.TraceParent = tracing.TraceParent(ctx)
	row.LeaseUntil = postgres.LeaseUntil(r.relay)
	if err := postgres.Conn(ctx, r.db).Create(&row).Error; err != nil {
		return postgres.WrapWriteError(err, fmt.Sprintf("save order outbox message of saga %s", message.SagaID))
	}
	postgres.PublishAtCommit(ctx, r.relay, row.message())
	return nil
}

// ResendBySagaID implements application.OrderOutboxRepository: the row gets
// its attempts back and no lease, so that the next claim publishes it.
func (r *OrderOutboxRepository) ResendBySagaID(ctx context.Context, sagaID kernel.SagaID) (bool, error) {
	return postgres.ResendOutboxRows(ctx, postgres.Conn(ctx, r.db), OrderOutboxTable, "saga_id = ?", sagaID.UUID())
}
