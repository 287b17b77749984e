package dataaccess

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/saga"
	"github.com/food-ordering-system/order-service/internal/application"
)

// PaymentOutboxRepository stores payment_outbox rows for the saga. The relay
// reads and completes them through the store of NewPaymentOutboxStore.
type PaymentOutboxRepository struct {
	db *gorm.DB
}

var _ application.PaymentOutboxRepository = (*PaymentOutboxRepository)(nil)

// NewPaymentOutboxRepository returns the repository over db.
func NewPaymentOutboxRepository(db *gorm.DB) *PaymentOutboxRepository {
	return &PaymentOutboxRepository{db: db}
}

// Save implements application.PaymentOutboxRepository; the unique index on
// (saga_id, payment_order_status) turns a duplicate into a conflict.
func (r *PaymentOutboxRepository) Save(ctx context.Context, msg *application.PaymentOutboxMessage) error {
	row, err := paymentOutboxToRow(msg)
	if err != nil {
		return err
	}
	err = postgres.Conn(ctx, r.db).Create(&row).Error
	return postgres.WrapError(err, fmt.Sprintf("insert payment outbox message %s of saga %s", msg.ID, msg.SagaID))
}

// Update implements application.PaymentOutboxRepository.
func (r *PaymentOutboxRepository) Update(ctx context.Context, msg *application.PaymentOutboxMessage) error {
	return updateSagaColumns(ctx, r.db, PaymentOutboxTable, msg.ID, msg.OrderStatus, msg.SagaStatus, msg.Version)
}

// FindBySagaIDAndSagaStatus implements application.PaymentOutboxRepository.
func (r *PaymentOutboxRepository) FindBySagaIDAndSagaStatus(ctx context.Context, sagaID kernel.SagaID, statuses ...saga.Status) ([]*application.PaymentOutboxMessage, error) {
	var rows []paymentOutboxRow
	err := postgres.Conn(ctx, r.db).
		Where("type = ? AND saga_id = ? AND saga_status IN ?", application.OrderSagaName, sagaID.UUID(), statusStrings(statuses)).
		Order("created_at, id").Find(&rows).Error
	if err != nil {
		return nil, postgres.WrapError(err, fmt.Sprintf("find payment outbox messages of saga %s", sagaID))
	}
	return mapRows(rows, paymentOutboxFromRow)
}

// FindOverdue implements application.PaymentOutboxRepository: payment
// requests still STARTED and refund requests still COMPENSATING.
func (r *PaymentOutboxRepository) FindOverdue(ctx context.Context, sentBefore time.Time, limit int) ([]*application.PaymentOutboxMessage, error) {
	var rows []paymentOutboxRow
	err := postgres.Conn(ctx, r.db).
		Where(`type = ? AND ((payment_order_status = ? AND saga_status = ?) OR (payment_order_status = ? AND saga_status = ?))
			AND COALESCE(resent_at, created_at) < ?`, application.OrderSagaName,
			string(kernel.PaymentOrderStatusPending), string(saga.StatusStarted),
			string(kernel.PaymentOrderStatusCancelled), string(saga.StatusCompensating), sentBefore).
		Order("created_at, id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, postgres.WrapError(err, "find overdue payment outbox messages")
	}
	return mapRows(rows, paymentOutboxFromRow)
}

// Resend implements application.PaymentOutboxRepository.
func (r *PaymentOutboxRepository) Resend(ctx context.Context, msg *application.PaymentOutboxMessage) error {
	return resend(ctx, r.db, PaymentOutboxTable, msg.ID, msg.Version)
}

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
		Where("type = ? AND saga_id = ? AND saga_status IN ?", application.OrderSagaName, sagaID.UUID(), statusStrings(statuses)).
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
			application.OrderSagaName, string(saga.StatusProcessing), sentBefore).
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

// resend hands a row back to the relay under the same id, if it still has
// the version it was read with, and wakes the relays: the insert trigger
// that normally does so does not fire on an update. The attempts start
// again, so a row the relay had parked FAILED is tried anew.
func resend(ctx context.Context, db *gorm.DB, table string, id kernel.MessageID, version int) error {
	conn := postgres.Conn(ctx, db)
	res := conn.Exec(`UPDATE `+postgres.QuoteIdent(table)+`
		SET outbox_status = ?, processed_at = NULL, attempts = 0, resends = resends + 1, resent_at = now(),
			version = version + 1
		WHERE id = ? AND version = ?`, string(outbox.StatusStarted), id.UUID(), version)
	if res.Error != nil {
		return postgres.WrapError(res.Error, fmt.Sprintf("resend %s row %s", table, id))
	}
	if res.RowsAffected == 0 {
		return kernel.Errorf(kernel.ECodeConflict, "%s row %s was changed concurrently (version %d)", table, id, version)
	}
	err := conn.Exec(`SELECT pg_notify(current_schema() || '.' || ?, '')`, table).Error
	return postgres.WrapError(err, fmt.Sprintf("wake the relay of %s", table))
}

func mapRows[R any, M any](rows []R, fromRow func(R) (M, error)) ([]M, error) {
	msgs := make([]M, 0, len(rows))
	for _, row := range rows {
		m, err := fromRow(row)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// updateSagaColumns moves an outbox row to new order and saga statuses if it
// still has the version it was read with. It leaves outbox_status and
// processed_at to the relay, which may have completed the row meanwhile.
func updateSagaColumns(ctx context.Context, db *gorm.DB, table string, id kernel.MessageID, orderStatus kernel.OrderStatus, sagaStatus saga.Status, version int) error {
	res := postgres.Conn(ctx, db).Exec(`UPDATE `+postgres.QuoteIdent(table)+`
		SET order_status = ?, saga_status = ?, version = version + 1
		WHERE id = ? AND version = ?`, string(orderStatus), string(sagaStatus), id.UUID(), version)
	if res.Error != nil {
		return postgres.WrapError(res.Error, fmt.Sprintf("update %s row %s", table, id))
	}
	if res.RowsAffected == 0 {
		return kernel.Errorf(kernel.ECodeConflict, "%s row %s was changed concurrently (version %d)", table, id, version)
	}
	return nil
}

// finishedSagaRows is what the order side's cleaners remove: rows the relay
// published whose saga is over.
var finishedSagaRows = fmt.Sprintf("outbox_status = '%s' AND saga_status IN ('%s', '%s', '%s')",
	outbox.StatusCompleted, saga.StatusSucceeded, saga.StatusFailed, saga.StatusCompensated)

// NewPaymentOutboxStore returns the relay's and the cleaner's store of
// payment_outbox; archive moves finished rows to payment_outbox_archive
// instead of deleting them.
func NewPaymentOutboxStore(db *gorm.DB, archive bool) *postgres.OutboxStore {
	return postgres.NewOutboxStore(db, postgres.OutboxTable{Name: PaymentOutboxTable, FinishedWhere: finishedSagaRows, Archive: archive})
}

// NewApprovalOutboxStore returns the relay's and the cleaner's store of
// order_approval_outbox; archive moves finished rows to
// order_approval_outbox_archive instead of deleting them.
func NewApprovalOutboxStore(db *gorm.DB, archive bool) *postgres.OutboxStore {
	return postgres.NewOutboxStore(db, postgres.OutboxTable{Name: OrderApprovalOutboxTable, FinishedWhere: finishedSagaRows, Archive: archive})
}
