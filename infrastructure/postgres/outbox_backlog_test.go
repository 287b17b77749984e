package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
)

// outboxTable creates an outbox table shaped like the services' ones.
func outboxTable(t *testing.T) *gorm.DB {
	t.Helper()
	db, _ := pgtest.New(t, nil)
	pgtest.CreateOutbox(t, db, "test_outbox")
	pgtest.Exec(t, db, `CREATE INDEX test_outbox_relay_idx ON test_outbox (outbox_status, created_at)`)
	return db
}

func insertOutboxRow(t *testing.T, db *gorm.DB, status outbox.Status, createdAt time.Time) {
	t.Helper()
	pgtest.Exec(t, db, `INSERT INTO test_outbox (id, saga_id, created_at, type, payload, outbox_status) VALUES (?, ?, ?, 'OrderProcessingSaga', '{}', ?)`,
		uuid.New(), uuid.New(), createdAt, string(status))
}

func TestBacklogCountsWaitingAndFailedRowsAndDatesTheOldestWaiting(t *testing.T) {
	t.Parallel()
	db := outboxTable(t)
	store := postgres.NewOutboxStore(db, postgres.OutboxTable{Name: "test_outbox"})
	ctx := context.Background()

	empty, err := store.Backlog(ctx)
	require.NoError(t, err)
	assert.Equal(t, outbox.Backlog{}, empty, "nothing waits in an empty table")

	oldest := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)
	insertOutboxRow(t, db, outbox.StatusCompleted, oldest.Add(-time.Hour)) // published: not backlog, however old
	insertOutboxRow(t, db, outbox.StatusStarted, oldest.Add(time.Minute))
	insertOutboxRow(t, db, outbox.StatusStarted, oldest)
	insertOutboxRow(t, db, outbox.StatusFailed, oldest.Add(-2*time.Hour)) // parked: counted apart, not waiting

	b, err := store.Backlog(ctx)

	require.NoError(t, err)
	assert.Equal(t, outbox.Backlog{Waiting: 2, OldestWaiting: oldest, Failed: 1}, b)
	assert.Equal(t, "test_outbox", store.Table())
}

func TestBacklogOfAMissingTableIsAnError(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, nil)

	_, err := postgres.NewOutboxStore(db, postgres.OutboxTable{Name: "no_such_outbox"}).Backlog(context.Background())

	assert.ErrorContains(t, err, "read the backlog of no_such_outbox")
}

// A backlog of finished rows larger than one cleaning statement takes is
// cleaned in one call, statement by statement, deleted or archived, and the
// rows still on their way stay: each statement stays short enough for the
// runtime role's statement_timeout.
func TestCleanFinishedRemovesABacklogLargerThanOneStatement(t *testing.T) {
	t.Parallel()
	for _, archive := range []bool{false, true} {
		db := outboxTable(t)
		const finished = 12345 // more than two statements' worth
		pgtest.Exec(t, db, `INSERT INTO test_outbox (id, saga_id, created_at, type, payload, outbox_status)
			SELECT gen_random_uuid(), gen_random_uuid(), now(), 'OrderProcessingSaga', '{}', ? FROM generate_series(1, ?)`,
			string(outbox.StatusCompleted), finished)
		insertOutboxRow(t, db, outbox.StatusStarted, time.Now())
		store := postgres.NewOutboxStore(db, postgres.OutboxTable{Name: "test_outbox", Archive: archive})

		removed, err := store.CleanFinished(context.Background())
		require.NoError(t, err)
		assert.EqualValues(t, finished, removed, "archive %t", archive)
		var left, archived int64
		require.NoError(t, db.Raw(`SELECT count(*) FROM test_outbox WHERE outbox_status = ?`, string(outbox.StatusStarted)).Scan(&left).Error)
		assert.EqualValues(t, 1, left, "the row on its way stays")
		require.NoError(t, db.Raw(`SELECT count(*) FROM test_outbox`).Scan(&left).Error)
		assert.EqualValues(t, 1, left, "archive %t: nothing finished is left", archive)
		if archive {
			require.NoError(t, db.Raw(`SELECT count(*) FROM test_outbox_archive`).Scan(&archived).Error)
			assert.EqualValues(t, finished, archived, "every finished row archived")
		}
	}
}
