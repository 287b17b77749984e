package dataaccess

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/saga"
	"github.com/food-ordering-system/infrastructure/tracing"
	"github.com/food-ordering-system/order-service/internal/application"
)

// ApprovalOutboxRepository stores order_approval_outbox rows for the saga.
// The relay reads and completes them through the store of
// NewApprovalOutboxStore.
type ApprovalOutboxRepository struct {
	db *gorm.DB
}

var _ application.ApprovalOutboxRepository = (*ApprovalOutboxRepository)(nil)

// NewApprovalOutboxRepository returns the repository over db.
func NewApprovalOutboxRepository(db *gorm.DB) *ApprovalOutboxRepository {
	return &ApprovalOutboxRepository{db: db}
}

// Save implements application.ApprovalOutboxRepository; the unique index on
// saga_id turns a duplicate into a conflict.
func (r *ApprovalOutboxRepository) Save(ctx context.Context, msg *application.OrderApprovalOutboxMessage) error {
	row, err := approvalOutboxToRow(msg)
	if err != nil {
		return err
	}
	row.Outbox.TraceParent = tracing.TraceParent(ctx)
	err = postgres.Conn(ctx, r.db).Create(&row).Error
	return postgres.WrapError(err, fmt.Sprintf("insert approval outbox message %s of saga %s", msg.ID, msg.SagaID))
}

// Update implements application.ApprovalOutboxRepository.
func (r *ApprovalOutboxRepository) Update(ctx context.Context, msg *application.OrderApprovalOutboxMessage) error {
	return updateSagaColumns(ctx, r.db, OrderApprovalOutboxTable, msg.ID, msg.OrderStatus, msg.SagaStatus, msg.Version)
}

// FindBySagaIDAndSagaStatus implements application.ApprovalOutboxRepository.
func (r *ApprovalOutboxRepository) FindBySagaIDAndSagaStatus(ctx context.Context, sagaID kernel.SagaID, statuses ...saga.Status) (*application.OrderApprovalOutboxMessage, error) {
	var rows []approvalOutboxRow
	err := postgres.Conn(ctx, r.db).
		Where("type = ? AND saga_id = ? AND saga_status IN ?", saga.OrderSagaName, sagaID.UUID(), statusStrings(statuses)).
		Limit(1).Find(&rows).Error
	if err != nil {
		return nil, postgres.WrapError(err, fmt.Sprintf("find approval outbox message of saga %s", sagaID))
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("approval outbox message of saga %s in %v: %w", sagaID, statuses, application.ErrNotFound)
	}
	return approvalOutboxFromRow(rows[0])
}

// FindOverdue implements application.ApprovalOutboxRepository.
func (r *ApprovalOutboxRepository) FindOverdue(ctx context.Context, sentBefore time.Time, limit int) ([]*application.OrderApprovalOutboxMessage, error) {
	var rows []approvalOutboxRow
	err := postgres.Conn(ctx, r.db).
		Where("type = ? AND saga_status = ? AND COALESCE(resent_at, created_at) < ?",
			saga.OrderSagaName, string(saga.StatusProcessing), sentBefore).
		Order("created_at, id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, postgres.WrapError(err, "find overdue approval outbox messages")
	}
	return mapRows(rows, approvalOutboxFromRow)
}

// Resend implements application.ApprovalOutboxRepository.
func (r *ApprovalOutboxRepository) Resend(ctx context.Context, msg *application.OrderApprovalOutboxMessage) error {
	return resend(ctx, r.db, OrderApprovalOutboxTable, msg.ID, msg.Version)
}

// NewApprovalOutboxStore returns the relay's and the cleaner's store of
// order_approval_outbox; archive moves finished rows to
// order_approval_outbox_archive instead of deleting them.
func NewApprovalOutboxStore(db *gorm.DB, archive bool) *postgres.OutboxStore {
	return postgres.NewOutboxStore(db, postgres.OutboxTable{Name: OrderApprovalOutboxTable, FinishedWhere: finishedSagaRows, Archive: archive})
}
