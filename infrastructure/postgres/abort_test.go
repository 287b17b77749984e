package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
)

// A statement that fails aborts a PostgreSQL transaction even when the code
// that ran it carries on (a handler that reads a unique violation as "already
// done"). The commit of such a transaction must be reported, never taken for
// success: the consumer's batches rely on it to replay their records one by
// one.
func TestTransactReportsTheCommitOfAnAbortedTransaction(t *testing.T) {
	db, _ := pgtest.New(t, nil)
	pgtest.Exec(t, db, `CREATE TABLE once (id int PRIMARY KEY)`)
	pgtest.Exec(t, db, `INSERT INTO once VALUES (1)`)

	err := postgres.NewTransactor(db).Transact(context.Background(), func(ctx context.Context) error {
		require.NoError(t, postgres.Conn(ctx, db).Exec(`INSERT INTO once VALUES (2)`).Error)
		dup := postgres.Conn(ctx, db).Exec(`INSERT INTO once VALUES (1)`).Error
		require.True(t, postgres.IsUniqueViolation(dup))
		return nil // swallowed, as a duplicate handler does
	})

	require.Error(t, err, "the commit rolled back")
	var n int64
	require.NoError(t, db.Raw(`SELECT count(*) FROM once`).Scan(&n).Error)
	assert.EqualValues(t, 1, n, "nothing of the aborted transaction was kept")
}
