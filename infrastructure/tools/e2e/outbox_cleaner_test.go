package e2e_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// TestOutboxCleanersArchiveFinishedRowsAndKeepUnfinished checks step 7 of the
// walkthrough with archiving configured: after two sagas end (one approved,
// one refunded), every cleaner moves their rows to its archive table within
// a few intervals, and leaves alone rows that are not finished: a published
// payment request whose saga is still PROCESSING, an approval request whose
// saga is COMPENSATING, and answers whose publication FAILED.
func TestOutboxCleanersArchiveFinishedRowsAndKeepUnfinished(t *testing.T) {
	s := system(t)
	ctx := context.Background()

	// Inserted before the sagas run, so the clean-ups that archive the
	// sagas' rows have seen these rows too.
	unfinished := insertUnfinishedOutboxRows(t, s)

	customer := newCustomer(t, s, kernel.MustParseMoney("1000.00"))
	approved, _ := placeAndFollow(t, s, e2e.SampleOrder(customer))
	require.Equal(t, kernel.OrderStatusApproved, approved.OrderStatus)
	refunded, _ := placeAndFollow(t, s, e2e.UnavailableProductOrder(customer, 1))
	require.Equal(t, kernel.OrderStatusCancelled, refunded.OrderStatus)
	ended := time.Now()

	sagas := map[kernel.OrderID]int{approved.OrderID: 4, refunded.OrderID: 6} // rows across the four tables
	for orderID, want := range sagas {
		sagaID, err := sagaIDOf(ctx, s, orderID)
		require.NoError(t, err)
		eventually(t, 5*cleanerInterval, func() error {
			rows, err := sagaOutbox(ctx, s, sagaID)
			if err != nil {
				return err
			}
			if len(rows) != want {
				return fmt.Errorf("saga %s has %d outbox rows, want %d: %v", sagaID, len(rows), want, rows)
			}
			for _, r := range rows {
				if !r.Archived {
					return fmt.Errorf("saga %s: %s row %q is not archived yet", sagaID, r.Table, r.Summary)
				}
			}
			return nil
		})
	}
	t.Logf("the finished rows were archived %s after the sagas ended (cleaner interval %s)",
		time.Since(ended).Round(time.Millisecond), cleanerInterval)

	for _, row := range unfinished {
		var live, archived int64
		require.NoError(t, s.DB.Raw(`SELECT count(*) FROM `+row.table+` WHERE id = ?`, row.id).Scan(&live).Error)
		require.NoError(t, s.DB.Raw(`SELECT count(*) FROM `+row.table+`_archive WHERE id = ?`, row.id).Scan(&archived).Error)
		assert.Equal(t, int64(1), live, "%s: the unfinished row (%s) stays", row.table, row.what)
		assert.Zero(t, archived, "%s: the unfinished row (%s) is not archived", row.table, row.what)
	}
}

type insertedRow struct {
	table string
	id    uuid.UUID
	what  string
}

// insertUnfinishedOutboxRows writes one row that the cleaners must keep into
// each outbox table, of sagas that do not exist (no relay or listener ever
// touches them: none is STARTED). They are deleted when the test ends.
func insertUnfinishedOutboxRows(t *testing.T, s *e2e.System) []insertedRow {
	t.Helper()
	rows := []struct {
		insertedRow
		sql string
	}{
		{insertedRow{`"order".payment_outbox`, uuid.New(), "published, saga PROCESSING"},
			`INSERT INTO "order".payment_outbox (id, saga_id, created_at, processed_at, type, payload, outbox_status,
				saga_status, order_status, payment_order_status) VALUES (?, ?, now(), now(), 'OrderProcessingSaga', '{}',
				'COMPLETED', 'PROCESSING', 'PAID', 'PENDING')`},
		{insertedRow{`"order".order_approval_outbox`, uuid.New(), "published, saga COMPENSATING"},
			`INSERT INTO "order".order_approval_outbox (id, saga_id, created_at, processed_at, type, payload, outbox_status,
				saga_status, order_status) VALUES (?, ?, now(), now(), 'OrderProcessingSaga', '{}',
				'COMPLETED', 'COMPENSATING', 'CANCELLING')`},
		{insertedRow{`payment.order_outbox`, uuid.New(), "publication FAILED"},
			`INSERT INTO payment.order_outbox (id, saga_id, created_at, type, payload, outbox_status, payment_status,
				payment_order_status) VALUES (?, ?, now(), 'OrderProcessingSaga', '{}', 'FAILED', 'COMPLETED', 'PENDING')`},
		{insertedRow{`restaurant.order_outbox`, uuid.New(), "publication FAILED"},
			`INSERT INTO restaurant.order_outbox (id, saga_id, created_at, type, payload, outbox_status, approval_status)
				VALUES (?, ?, now(), 'OrderProcessingSaga', '{}', 'FAILED', 'APPROVED')`},
	}
	inserted := make([]insertedRow, len(rows))
	for i, r := range rows {
		require.NoError(t, s.DB.Exec(r.sql, r.id, uuid.New()).Error, "insert into %s", r.table)
		inserted[i] = r.insertedRow
		t.Cleanup(func() {
			for _, table := range []string{r.table, r.table + "_archive"} {
				if err := s.DB.Exec(`DELETE FROM `+table+` WHERE id = ?`, r.id).Error; err != nil {
					t.Errorf("delete the test row from %s: %v", table, err)
				}
			}
		})
	}
	return inserted
}
