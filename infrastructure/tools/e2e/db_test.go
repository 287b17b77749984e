package e2e_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// What the tests read straight from the services' tables, to check what the
// APIs do not show: the outbox rows of each saga and where they are.

// outboxTable is one outbox table of the saga and how a row of it is
// summarised for assertions: its status columns as "name=value" pairs.
type outboxTable struct {
	name    string // schema-qualified, as in the assertions
	table   string // quoted for SQL
	summary string // SQL expression
}

var outboxTables = []outboxTable{
	{"order.payment_outbox", `"order".payment_outbox`,
		`'request=' || payment_order_status || ' outbox=' || outbox_status || ' saga=' || saga_status || ' order=' || order_status`},
	{"order.order_approval_outbox", `"order".order_approval_outbox`,
		`'outbox=' || outbox_status || ' saga=' || saga_status || ' order=' || order_status`},
	{"payment.order_outbox", `payment.order_outbox`,
		`'request=' || payment_order_status || ' payment=' || payment_status || ' outbox=' || outbox_status`},
	{"restaurant.order_outbox", `restaurant.order_outbox`,
		`'approval=' || approval_status || ' outbox=' || outbox_status`},
}

// outboxRow is one row of a saga in an outbox table or its archive.
type outboxRow struct {
	SagaID    uuid.UUID
	Table     string
	Archived  bool
	Summary   string
	Processed bool // processed_at is set
}

// sagaOutbox returns every outbox row of the saga in the four tables and
// their archives, each table's query one snapshot.
func sagaOutbox(ctx context.Context, s *e2e.System, sagaID uuid.UUID) ([]outboxRow, error) {
	bySaga, err := sagasOutbox(ctx, s, []uuid.UUID{sagaID})
	return bySaga[sagaID], err
}

// sagasOutbox is sagaOutbox of many sagas at once, by saga.
func sagasOutbox(ctx context.Context, s *e2e.System, sagaIDs []uuid.UUID) (map[uuid.UUID][]outboxRow, error) {
	bySaga := make(map[uuid.UUID][]outboxRow, len(sagaIDs))
	if len(sagaIDs) == 0 {
		return bySaga, nil
	}
	for _, t := range outboxTables {
		var rows []outboxRow
		q := fmt.Sprintf(`SELECT saga_id, ?::text AS "table", false AS archived, %[2]s AS summary, processed_at IS NOT NULL AS processed
			FROM %[1]s WHERE saga_id IN ?
			UNION ALL
			SELECT saga_id, ?::text, true, %[2]s, processed_at IS NOT NULL FROM %[1]s_archive WHERE saga_id IN ?
			ORDER BY summary`, t.table, t.summary)
		if err := s.DB.WithContext(ctx).Raw(q, t.name, sagaIDs, t.name, sagaIDs).Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("read %s: %w", t.name, err)
		}
		for _, r := range rows {
			bySaga[r.SagaID] = append(bySaga[r.SagaID], r)
		}
	}
	return bySaga, nil
}

// summaries groups rows by table, ignoring whether they were archived.
func summaries(rows []outboxRow) map[string][]string {
	m := make(map[string][]string)
	for _, r := range rows {
		m[r.Table] = append(m[r.Table], r.Summary)
	}
	for _, v := range m {
		slices.Sort(v)
	}
	return m
}

// sagaIDOf finds the saga of an order from its payment request row.
func sagaIDOf(ctx context.Context, s *e2e.System, orderID kernel.OrderID) (uuid.UUID, error) {
	ids, err := sagaIDsOf(ctx, s, []uuid.UUID{orderID.UUID()})
	return ids[orderID.UUID()], err
}

// sagaIDsOf finds the saga of each order from its payment request rows. An
// order without exactly one saga is an error.
func sagaIDsOf(ctx context.Context, s *e2e.System, orderIDs []uuid.UUID) (map[uuid.UUID]uuid.UUID, error) {
	var rows []struct {
		OrderID uuid.UUID
		SagaID  uuid.UUID
	}
	ids := make([]string, len(orderIDs))
	for i, id := range orderIDs {
		ids[i] = id.String()
	}
	err := s.DB.WithContext(ctx).Raw(`SELECT DISTINCT (payload->>'orderId')::uuid AS order_id, saga_id FROM (
			SELECT payload, saga_id FROM "order".payment_outbox WHERE payload->>'orderId' IN ?
			UNION ALL
			SELECT payload, saga_id FROM "order".payment_outbox_archive WHERE payload->>'orderId' IN ?) requests`,
		ids, ids).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	sagas := make(map[uuid.UUID][]uuid.UUID, len(orderIDs))
	for _, r := range rows {
		sagas[r.OrderID] = append(sagas[r.OrderID], r.SagaID)
	}
	byOrder := make(map[uuid.UUID]uuid.UUID, len(orderIDs))
	for _, id := range orderIDs {
		if len(sagas[id]) != 1 {
			return nil, fmt.Errorf("order %s has %d sagas: %v", id, len(sagas[id]), sagas[id])
		}
		byOrder[id] = sagas[id][0]
	}
	return byOrder, nil
}

// requireSagaOutbox waits (briefly: a relay marks a row COMPLETED in the
// transaction that published it, which may commit after the answer was
// handled) until the saga's outbox rows are exactly want, every one
// published (processed_at set).
func requireSagaOutbox(t *testing.T, s *e2e.System, orderID kernel.OrderID, want map[string][]string) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	sagaID, err := sagaIDOf(ctx, s, orderID)
	require.NoError(t, err)
	for _, v := range want {
		slices.Sort(v)
	}
	eventually(t, 10*time.Second, func() error {
		rows, err := sagaOutbox(ctx, s, sagaID)
		if err != nil {
			return err
		}
		got := summaries(rows)
		if !maps.EqualFunc(got, want, slices.Equal) {
			return fmt.Errorf("outbox rows of saga %s:\n got  %v\n want %v", sagaID, got, want)
		}
		for _, r := range rows {
			if !r.Processed {
				return fmt.Errorf("%s row %q of saga %s has no processed_at", r.Table, r.Summary, sagaID)
			}
		}
		return nil
	})
	return sagaID
}

// startedRows counts the outbox rows of every service not yet published.
func startedRows(ctx context.Context, s *e2e.System) (map[string]int64, error) {
	counts := make(map[string]int64)
	for _, t := range outboxTables {
		var n int64
		if err := s.DB.WithContext(ctx).Raw(`SELECT count(*) FROM ` + t.table + ` WHERE outbox_status = 'STARTED'`).Scan(&n).Error; err != nil {
			return nil, err
		}
		if n > 0 {
			counts[t.name] = n
		}
	}
	return counts, nil
}

// newCustomer creates a customer with credit (see System.CreateCustomer).
func newCustomer(t *testing.T, s *e2e.System, credit kernel.Money) kernel.CustomerID {
	t.Helper()
	id, err := s.CreateCustomer(context.Background(), credit)
	require.NoError(t, err)
	return id
}

// eventually awaits check returning nil, polling every 100ms, and fails the
// test with check's last error after timeout.
func eventually(t *testing.T, timeout time.Duration, check func() error) {
	t.Helper()
	require.EventuallyWithT(t, func(c *assert.CollectT) { assert.NoError(c, check()) }, timeout, 100*time.Millisecond)
}
