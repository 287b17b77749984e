package dataaccess

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/tracing"
	"github.com/food-ordering-system/order-service/internal/application"
)

// ApprovalOutboxRepository stores order_approval_outbox rows for the saga.
// The relay reads and completes them through the store of
// NewApprovalOutboxStore.
type ApprovalOutboxRepository struct {
	db    *gorm.DB
	relay outbox.AtCommit
}

var _ application.ApprovalOutboxRepository = (*ApprovalOutboxRepository)(nil)

// NewApprovalOutboxRepository returns the repository over db. The rows it writes
// are leased to relay, the relay of this instance's order_approval_outbox, which publishes
// them at commit; with a nil relay they wait for a claim.
func NewApprovalOutboxRepository(db *gorm.DB, relay outbox.AtCommit) *ApprovalOutboxRepository {
	return &ApprovalOutboxRepository{db: db, relay: relay}
}

// NewApprovalOutboxStore returns the relay's and the cleaner's store of
// order_approval_outbox; archive moves finished rows to
// order_approval_outbox_archive instead of deleting them.
func NewApprovalOutboxStore(db *gorm.DB, archive bool) *postgres.OutboxStore {
	return postgres.NewOutboxStore(db, postgres.OutboxTable{Name: OrderApprovalOutboxTable, FinishedWhere: finishedApprovalRows, Archive: archive})
}

// Save implements application.ApprovalOutboxRepository. A row the unique
// index on (saga_id, restaurant_order_status) refuses is kernel.Duplicate,
// as postgres.WrapWriteError reports it (kernel.ErrDuplicate, a
// kernel.ECodeConflict error): a saga step that raced a twin is run again and
// finds its work done. The insert skips such a row (ON CONFLICT DO NOTHING)
// rather than fail, so that the transaction stays usable for a caller to
// which a duplicate is no error (a cancellation the restaurant was already
// sent).
func (r *ApprovalOutboxRepository) Save(ctx context.Context, msg *application.OrderApprovalOutboxMessage) error {
	row, err := rowFromApprovalOutbox(msg)
	if err != nil {
		return err
	}
	row.Outbox.TraceParent = tracing.TraceParent(ctx)
	row.Outbox.LeaseUntil = postgres.LeaseUntil(r.relay)
	res := postgres.Conn(ctx, r.db).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	what := fmt.Sprintf("insert approval outbox message %s of saga %s", msg.ID, msg.SagaID)
	if res.Error != nil {
		return postgres.WrapError(res.Error, what)
	}
	if res.RowsAffected == 0 {
		return kernel.Duplicate(nil, "%s: the saga already has such a row", what)
	}
	postgres.PublishAtCommit(ctx, r.relay, row.Outbox.message())
	return nil
}

// Update implements application.ApprovalOutboxRepository.
func (r *ApprovalOutboxRepository) Update(ctx context.Context, msg *application.OrderApprovalOutboxMessage) error {
	return updateSagaColumns(ctx, r.db, OrderApprovalOutboxTable, msg.ID, msg.OrderStatus, msg.SagaStatus, msg.Version)
}

// FindBySagaIDAndSagaStatus implements application.ApprovalOutboxRepository.
func (r *ApprovalOutboxRepository) FindBySagaIDAndSagaStatus(ctx context.Context, sagaID kernel.SagaID, statuses ...saga.Status) (*application.OrderApprovalOutboxMessage, error) {
	var rows []approvalOutboxRow
	err := postgres.Conn(ctx, r.db).
		Where("type = ? AND saga_id = ? AND restaurant_order_status = ? AND saga_status IN ?", saga.OrderSagaName, sagaID.UUID(),
			string(kernel.RestaurantOrderStatusPaid), statusStrings(statuses)).
		Limit(1).Find(&rows).Error
	if err != nil {
		return nil, postgres.WrapError(err, fmt.Sprintf("find approval outbox message of saga %s", sagaID))
	}
	if len(rows) == 0 {
		return nil, kernel.NotFound("approval outbox message of saga %s in %v", sagaID, statuses)
	}
	return approvalOutboxFromRow(rows[0])
}

// FindOverdue implements application.ApprovalOutboxRepository: approval
// requests whose saga is still PROCESSING, published (processed_at, the
// relay's mark in the database's clock) more than replyTimeout ago.
func (r *ApprovalOutboxRepository) FindOverdue(ctx context.Context, replyTimeout time.Duration, limit int) ([]*application.OrderApprovalOutboxMessage, error) {
	var rows []approvalOutboxRow
	err := postgres.Conn(ctx, r.db).
		Where(`type = ? AND outbox_status = ? AND saga_status = ? AND restaurant_order_status = ?
				AND processed_at < now() - make_interval(secs => ?)`,
			saga.OrderSagaName, string(outbox.StatusCompleted), string(saga.StatusProcessing),
			string(kernel.RestaurantOrderStatusPaid), replyTimeout.Seconds()).
		Order("processed_at, id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, postgres.WrapError(err, "find overdue approval outbox messages")
	}
	return mapRows(rows, approvalOutboxFromRow)
}

// Resend implements application.ApprovalOutboxRepository.
func (r *ApprovalOutboxRepository) Resend(ctx context.Context, msg *application.OrderApprovalOutboxMessage) error {
	return resend(ctx, r.db, OrderApprovalOutboxTable, msg.ID, msg.Version)
}
