package dataaccess

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/saga"
)

// The statements both outbox repositories run on the columns their tables
// share (see outboxColumns): the saga's statuses, the relay's hand-back and
// what counts as finished.

// updateSagaColumns moves an outbox row to new order and saga statuses if it
// still has the version it was read with. A row no relay has published yet
// is withdrawn in the same statement: the saga step that moves a request's
// row has moved past the request (its answer came, or the saga compensated
// or ended), so the request must never go out afterwards. A relay that holds
// the row while it publishes makes this statement wait for its mark, and
// the row then stays COMPLETED: sent, not withdrawn. Otherwise the relay
// columns are left to the relay.
func updateSagaColumns(ctx context.Context, db *gorm.DB, table string, id kernel.MessageID, orderStatus kernel.OrderStatus, sagaStatus saga.Status, version int) error {
	res := postgres.Conn(ctx, db).Exec(`UPDATE `+postgres.QuoteIdent(table)+`
		SET order_status = ?, saga_status = ?, version = version + 1,
			outbox_status = CASE outbox_status WHEN ? THEN ? ELSE outbox_status END
		WHERE id = ? AND version = ?`, string(orderStatus), string(sagaStatus),
		string(outbox.StatusStarted), string(outbox.StatusWithdrawn), id.UUID(), version)
	if res.Error != nil {
		return postgres.WrapError(res.Error, fmt.Sprintf("update %s row %s", table, id))
	}
	if res.RowsAffected == 0 {
		return kernel.Errorf(kernel.ECodeConflict, "%s row %s was changed concurrently (version %d)", table, id, version)
	}
	return nil
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

// finishedSagaRows is what the order side's cleaners remove: rows the relay
// published, or that were withdrawn, whose saga is over.
var finishedSagaRows = fmt.Sprintf("outbox_status IN ('%s', '%s') AND saga_status IN ('%s', '%s', '%s')",
	outbox.StatusCompleted, outbox.StatusWithdrawn, saga.StatusSucceeded, saga.StatusFailed, saga.StatusCompensated)

// finishedApprovalRows adds, for order_approval_outbox, a published
// cancellation, which is finished whatever its saga does later.
var finishedApprovalRows = fmt.Sprintf("(%s) OR (outbox_status = '%s' AND restaurant_order_status = '%s')",
	finishedSagaRows, outbox.StatusCompleted, kernel.RestaurantOrderStatusCancelled)
