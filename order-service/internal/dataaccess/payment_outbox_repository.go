package dataaccess

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/tracing"
	"github.com/food-ordering-system/order-service/internal/application"
)

// PaymentOutboxRepository stores payment_outbox rows for the saga. The relay
// reads and completes them through the store of NewPaymentOutboxStore.
type PaymentOutboxRepository struct {
	db    *gorm.DB
	relay outbox.AtCommit
}

var _ application.PaymentOutboxRepository = (*PaymentOutboxRepository)(nil)

// NewPaymentOutboxRepository returns the repository over db. The rows it writes
// are leased to relay, the relay of this instance's payment_outbox, which publishes
// them at commit; with a nil relay they wait for a claim.
func NewPaymentOutboxRepository(db *gorm.DB, relay outbox.AtCommit) *PaymentOutboxRepository {
	return &PaymentOutboxRepository{db: db, relay: relay}
}

// NewPaymentOutboxStore returns the relay's and the cleaner's store of
// payment_outbox; archive moves finished rows to payment_outbox_archive
// instead of deleting them.
func NewPaymentOutboxStore(db *gorm.DB, archive bool) *postgres.OutboxStore {
	return postgres.NewOutboxStore(db, postgres.OutboxTable{Name: PaymentOutboxTable, FinishedWhere: finishedSagaRows, Archive: archive})
}

// Save implements application.PaymentOutboxRepository. The unique index on
// (saga_id, payment_order_status) turns a second request of the saga into
// kernel.ErrDuplicate, a kernel.ECodeConflict error.
func (r *PaymentOutboxRepository) Save(ctx context.Context, msg *application.PaymentOutboxMessage) error {
	row, err := rowFromPaymentOutbox(msg)
	if err != nil {
		return err
	}
	row.Outbox.TraceParent = tracing.TraceParent(ctx)
	row.Outbox.LeaseUntil = postgres.LeaseUntil(r.relay)
	if err := postgres.Conn(ctx, r.db).Create(&row).Error; err != nil {
		return postgres.WrapWriteError(err, fmt.Sprintf("insert payment outbox message %s of saga %s", msg.ID, msg.SagaID))
	}
	postgres.PublishAtCommit(ctx, r.relay, row.Outbox.message())
	return nil
}

// Update implements application.PaymentOutboxRepository.
func (r *PaymentOutboxRepository) Update(ctx context.Context, msg *application.PaymentOutboxMessage) error {
	return updateSagaColumns(ctx, r.db, PaymentOutboxTable, msg.ID, msg.OrderStatus, msg.SagaStatus, msg.Version)
}

// FindBySagaIDAndSagaStatus implements application.PaymentOutboxRepository.
func (r *PaymentOutboxRepository) FindBySagaIDAndSagaStatus(ctx context.Context, sagaID kernel.SagaID, statuses ...saga.Status) ([]*application.PaymentOutboxMessage, error) {
	var rows []paymentOutboxRow
	err := postgres.Conn(ctx, r.db).
		Where("type = ? AND saga_id = ? AND saga_status IN ?", saga.OrderSagaName, sagaID.UUID(), statusStrings(statuses)).
		Order("created_at, id").Find(&rows).Error
	if err != nil {
		return nil, postgres.WrapError(err, fmt.Sprintf("find payment outbox messages of saga %s", sagaID))
	}
	return mapRows(rows, paymentOutboxFromRow)
}

// FindOverdue implements application.PaymentOutboxRepository: payment
// requests whose saga is still STARTED and refund requests whose saga is
// still COMPENSATING, published (COMPLETED, processed_at set by the relay in
// the database's clock) long enough ago. The refund's wait doubles with each
// resend, capped; 2^resends is bounded before it can overflow.
func (r *PaymentOutboxRepository) FindOverdue(ctx context.Context, replyTimeout, maxInterval time.Duration, limit int) ([]*application.PaymentOutboxMessage, error) {
	var rows []paymentOutboxRow
	err := postgres.Conn(ctx, r.db).
		Where(`type = ? AND outbox_status = ? AND saga_status IN (?, ?) AND (
				(payment_order_status = ? AND saga_status = ? AND processed_at < now() - make_interval(secs => ?))
				OR (payment_order_status = ? AND saga_status = ?
					AND processed_at < now() - make_interval(secs => LEAST(? * power(2, LEAST(resends, 30)), ?))))`,
			saga.OrderSagaName, string(outbox.StatusCompleted), string(saga.StatusStarted), string(saga.StatusCompensating),
			string(kernel.PaymentOrderStatusPending), string(saga.StatusStarted), replyTimeout.Seconds(),
			string(kernel.PaymentOrderStatusCancelled), string(saga.StatusCompensating), replyTimeout.Seconds(), maxInterval.Seconds()).
		Order("processed_at, id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, postgres.WrapError(err, "find overdue payment outbox messages")
	}
	return mapRows(rows, paymentOutboxFromRow)
}

// Resend implements application.PaymentOutboxRepository.
func (r *PaymentOutboxRepository) Resend(ctx context.Context, msg *application.PaymentOutboxMessage) error {
	return resend(ctx, r.db, PaymentOutboxTable, msg.ID, msg.Version)
}
