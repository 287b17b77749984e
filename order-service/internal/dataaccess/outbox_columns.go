package dataaccess

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
)

// The statements both outbox repositories run on the columns their tables
// share (see outboxColumns): the saga's statuses, the relay's hand-back and
// what counts as finished.

// updateSagaColumns moves an outbox row to new order and saga statuses if it
// still has the version it was read with. A row no relay has published yet
// is withdrawn in the same statement: the saga step that moves a request's
// row has moved past the request (its answer came, or the saga compensated
// or ended), so the request must never go out afterwards. A row still
// leased to its writer's relay is not withdrawn: that relay may be sending
// it at this moment, and marks it COMPLETED once the broker has it. Otherwise
// the relay columns are left to the relay.
func updateSagaColumns(ctx context.Context, db *gorm.DB, table string, id kernel.MessageID, orderStatus kernel.OrderStatus, sagaStatus saga.Status, version int) error {
	res := postgres.Conn(ctx, db).Exec(`UPDATE `+postgres.QuoteIdent(table)+`
		SET order_status = ?, saga_status = ?, version = version + 1,
			outbox_status = CASE WHEN outbox_status = ? AND (lease_until IS NULL OR lease_until < clock_timestamp())
				THEN ? ELSE outbox_status END
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

// resend hands a row back to the relays under the same id, without a lease,
// so that the next claim of any instance publishes it, if it still has the
// version it was read with. The attempts start again, so a row the relay had
// parked FAILED is tried anew.
func resend(ctx context.Context, db *gorm.DB, table string, id kernel.MessageID, version int) error {
	res := postgres.Conn(ctx, db).Exec(`UPDATE `+postgres.QuoteIdent(table)+`
		SET outbox_status = ?, processed_at = NULL, lease_until = NULL, attempts = 0, resends = resends + 1,
			resent_at = now(), version = version + 1
		WHERE id = ? AND version = ?`, string(outbox.StatusStarted), id.UUID(), version)
	if res.Error != nil {
		return postgres.WrapError(res.Error, fmt.Sprintf("resend %s row %s", table, id))
	}
	if res.RowsAffected == 0 {
		return kernel.Errorf(kernel.ECodeConflict, "%s row %s was changed concurrently (version %d)", table, id, version)
	}
	return nil
}

// finishedSagaRows is what the order side's cleaners remove: rows the relay
// published, or that were withdrawn, whose saga is over.
var finishedSagaRows = fmt.Sprintf("outbox_status IN ('%s', '%s') AND saga_status IN ('%s', '%s', '%s')",
	outbox.StatusCompleted, outbox.StatusWithdrawn, saga.StatusSucceeded, saga.StatusFailed, saga.StatusCompensated)

// finishedApprovalRows adds, for order_approval_outbox, a published
// cancellation, which is finished whatever its saga does later.
var finishedApprovalRows = fmt.Sprintf("(%s) OR (outbox_status = '%s' AND restaurant_order_status = '%s')",
	finishedSagaRows, outbox.StatusCompleted, kernel.RestaurantOrderStatusCancelled)
