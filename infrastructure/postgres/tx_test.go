package postgres_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	gormpg "gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/postgres/pgtest"
)

// closedPort returns a local port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}

func TestTransactOnAnUnreachableDatabaseIsUnavailable(t *testing.T) {
	t.Parallel()
	cfg := pgtest.Config()
	cfg.Host, cfg.Port, cfg.Schema = "127.0.0.1", closedPort(t), "order"
	// Opened without the ping of postgres.Open, as a pool is when the
	// database goes away after the service started.
	db, err := gorm.Open(gormpg.Open(cfg.DSN()), &gorm.Config{DisableAutomaticPing: true, SkipDefaultTransaction: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = postgres.Close(db) })

	called := false
	err = postgres.NewTransactor(db).Transact(context.Background(), func(context.Context) error {
		called = true
		return nil
	})

	require.Error(t, err)
	assert.False(t, called, "nothing runs without a transaction")
	assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(err), "a failed BEGIN is a database that is down: %v", err)
}

func TestTransactOnADatabaseThatWentAwayIsUnavailable(t *testing.T) {
	t.Parallel()
	_, cfg := pgtest.New(t, migrations)
	proxy := pgtest.StartProxy(t, net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	cfg.Host, cfg.Port = "127.0.0.1", proxy.Port()
	db, err := postgres.Open(context.Background(), cfg, zap.NewNop())
	require.NoError(t, err)
	t.Cleanup(func() { _ = postgres.Close(db) })
	tx := postgres.NewTransactor(db)
	insert := func(ctx context.Context, id int) error {
		return tx.Transact(ctx, func(ctx context.Context) error {
			return postgres.WrapError(postgres.Conn(ctx, db).Exec(`INSERT INTO widgets VALUES (?, 'w')`, id).Error, "insert widget")
		})
	}
	require.NoError(t, insert(context.Background(), 1), "the pool holds a live connection")

	proxy.Close()

	for i := range 3 { // the dead pooled connection first, then new ones
		err := insert(context.Background(), 2+i)
		require.Error(t, err)
		assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(err), "try %d: %v", i, err)
	}
}

func TestTransactRollsBackWhenFnPanics(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations)
	tx := postgres.NewTransactor(db)

	assert.PanicsWithValue(t, "boom", func() {
		_ = tx.Transact(context.Background(), func(ctx context.Context) error {
			require.NoError(t, postgres.Conn(ctx, db).Exec(`INSERT INTO widgets VALUES (1, 'dropped')`).Error)
			panic("boom")
		})
	})

	var count int64
	require.NoError(t, db.Raw(`SELECT count(*) FROM widgets`).Scan(&count).Error)
	assert.Zero(t, count)
}

func TestTransactClassifiesAFailedCommit(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations)
	// A deferred constraint is checked at COMMIT, so the commit itself fails.
	pgtest.Exec(t, db, `CREATE TABLE tickets (id int, CONSTRAINT tickets_uidx UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)`)

	err := postgres.NewTransactor(db).Transact(context.Background(), func(ctx context.Context) error {
		return postgres.Conn(ctx, db).Exec(`INSERT INTO tickets VALUES (1), (1)`).Error
	})

	require.Error(t, err)
	assert.True(t, postgres.IsUniqueViolation(err), "the cause is kept: %v", err)
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(err))
	var count int64
	require.NoError(t, db.Raw(`SELECT count(*) FROM tickets`).Scan(&count).Error)
	assert.Zero(t, count)
}

func TestTransactReturnsFnErrorUnchanged(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations)
	failure := kernel.Errorf(kernel.ECodeInvalid, "Total price must be greater than zero!")

	err := postgres.NewTransactor(db).Transact(context.Background(), func(context.Context) error { return failure })

	assert.Same(t, failure, err)
}

func TestWrapErrorTellsALostConnectionFromAFailedStatement(t *testing.T) {
	lost := []error{
		&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")},
		fmt.Errorf("read message: %w", io.ErrUnexpectedEOF),
		driver.ErrBadConn,
	}
	for _, err := range lost {
		assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(postgres.WrapError(err, "find order")), "%v", err)
	}
	failed := postgres.WrapError(errors.New("relation orders does not exist"), "find order")
	assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(failed))
	assert.EqualError(t, failed, "find order: relation orders does not exist")
}

// The runtime roles' statement_timeout and lock_timeout (roles.sql) end a
// statement that is slow or waits this time: the database is unavailable for
// now, and the caller retries, rather than an internal error.
func TestWrapErrorMakesTheRolesTimeoutsUnavailable(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, nil)
	pgtest.Exec(t, db, `CREATE TABLE once (id int PRIMARY KEY)`)
	pgtest.Exec(t, db, `INSERT INTO once VALUES (1)`)
	ctx := context.Background()

	slow := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		pgtest.Exec(t, tx, `SET LOCAL statement_timeout = '50ms'`)
		return tx.Exec(`SELECT pg_sleep(5)`).Error
	})
	require.Error(t, slow)
	assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(postgres.WrapError(slow, "sleep")), "%v", slow)

	holder := db.WithContext(ctx).Begin()
	require.NoError(t, holder.Error)
	defer holder.Rollback()
	require.NoError(t, holder.Exec(`SELECT id FROM once WHERE id = 1 FOR UPDATE`).Error)
	waiter := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		pgtest.Exec(t, tx, `SET LOCAL lock_timeout = '50ms'`)
		return tx.Exec(`UPDATE once SET id = 2 WHERE id = 1`).Error
	})
	require.Error(t, waiter)
	assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(postgres.WrapError(waiter, "update")), "%v", waiter)
}

func TestWrapReadAndWriteErrorsBindTheApplicationsSentinels(t *testing.T) {
	notFound, duplicate := errors.New("not found"), errors.New("duplicate")
	db, _ := pgtest.New(t, nil)
	pgtest.Exec(t, db, `CREATE TABLE once (id int PRIMARY KEY)`)
	pgtest.Exec(t, db, `INSERT INTO once VALUES (1)`)

	var id int
	missing := db.Raw(`SELECT id FROM once WHERE id = 2`).Take(&id).Error
	assert.ErrorIs(t, postgres.WrapReadError(missing, "find 2", notFound), notFound)
	dup := db.Exec(`INSERT INTO once VALUES (1)`).Error
	assert.ErrorIs(t, postgres.WrapWriteError(dup, "insert 1", duplicate), duplicate)
	assert.NoError(t, postgres.WrapReadError(nil, "find 1", notFound))
	assert.NoError(t, postgres.WrapWriteError(nil, "insert 3", duplicate))
	assert.NotErrorIs(t, postgres.WrapWriteError(missing, "x", duplicate), duplicate, "only a unique violation is a duplicate")
}

// What AfterCommit registers runs once the outermost transaction has
// committed, in order, and not before: inside a nested Transact too.
func TestAfterCommitRunsOnceTheTransactionCommitted(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations)
	tx := postgres.NewTransactor(db)
	var ran []string

	err := tx.Transact(context.Background(), func(ctx context.Context) error {
		postgres.AfterCommit(ctx, func() { ran = append(ran, "outer") })
		require.NoError(t, tx.Transact(ctx, func(ctx context.Context) error {
			postgres.AfterCommit(ctx, func() { ran = append(ran, "nested") })
			return postgres.Conn(ctx, db).Exec(`INSERT INTO widgets VALUES (1, 'kept')`).Error
		}))
		assert.Empty(t, ran, "nothing runs before the commit, not even after the nested call returned")
		return nil
	})

	require.NoError(t, err)
	assert.Equal(t, []string{"outer", "nested"}, ran)
}

// A transaction that rolls back, because its function failed or its commit
// did, runs nothing it registered; without a transaction, f runs at once.
func TestAfterCommitRunsNothingOfARolledBackTransaction(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations)
	pgtest.Exec(t, db, `CREATE TABLE tickets (id int, CONSTRAINT tickets_uidx UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)`)
	tx := postgres.NewTransactor(db)
	ran := 0

	err := tx.Transact(context.Background(), func(ctx context.Context) error {
		postgres.AfterCommit(ctx, func() { ran++ })
		return errors.New("use case failed")
	})
	require.Error(t, err)
	err = tx.Transact(context.Background(), func(ctx context.Context) error {
		postgres.AfterCommit(ctx, func() { ran++ })
		return postgres.Conn(ctx, db).Exec(`INSERT INTO tickets VALUES (1), (1)`).Error // fails at COMMIT
	})
	require.Error(t, err)
	assert.Zero(t, ran, "a rolled-back transaction runs nothing")

	postgres.AfterCommit(context.Background(), func() { ran++ })
	assert.Equal(t, 1, ran, "without a transaction, at once")
}
