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

// orderOutboxTable is the outbox table of restaurant-service.
const orderOutboxTable = "order_outbox"

// OrderOutboxChannel is the NOTIFY channel of the order_outbox table in
// schema, for postgres.Listen.
func OrderOutboxChannel(schema string) string {
	return postgres.OutboxChannel(schema, orderOutboxTable)
}

// OrderOutboxRepository is the order_outbox table: the helper's writes and
// look-ups, and (through the shared postgres.OutboxStore) the relay's claims
// and the cleaner's removals of COMPLETED rows.
type OrderOutboxRepository struct {
	*postgres.OutboxStore
	db *gorm.DB
}

var (
	_ application.OrderOutboxRepository = (*OrderOutboxRepository)(nil)
	_ outbox.Store                      = (*OrderOutboxRepository)(nil)
	_ outbox.CleanerStore               = (*OrderOutboxRepository)(nil)
)

// NewOrderOutboxRepository returns the repository over db. With archive, the
// cleaner moves published rows to order_outbox_archive instead of deleting
// them.
func NewOrderOutboxRepository(db *gorm.DB, archive bool) *OrderOutboxRepository {
	return &OrderOutboxRepository{
		OutboxStore: postgres.NewOutboxStore(db, postgres.OutboxTable{Name: orderOutboxTable, Archive: archive}),
		db:          db,
	}
}

// Save implements application.OrderOutboxRepository. The unique index on
// saga_id turns a second answer to the saga into application.ErrDuplicate.
func (r *OrderOutboxRepository) Save(ctx context.Context, message application.OrderOutboxMessage) error {
	row, err := orderOutboxRowOf(message)
	if err != nil {
		return err
	}
	row.TraceParent = tracing.TraceParent(ctx)
	return wrapWriteError(postgres.Conn(ctx, r.db).Create(&row).Error, fmt.Sprintf("save order outbox message of saga %s", message.SagaID))
}

// ResendBySagaID implements application.OrderOutboxRepository: the row gets
// its attempts back and the relay is woken, since an update does not fire
// the insert trigger that usually does.
func (r *OrderOutboxRepository) ResendBySagaID(ctx context.Context, sagaID kernel.SagaID) (bool, error) {
	return postgres.ResendOutboxRows(ctx, postgres.Conn(ctx, r.db), orderOutboxTable, "saga_id = ?", sagaID.UUID())
}
