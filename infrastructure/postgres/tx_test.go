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

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	gormpg "gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
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

func TestWrapReadAndWriteErrorsReportTheKernelsSentinels(t *testing.T) {
	db, _ := pgtest.New(t, nil)
	pgtest.Exec(t, db, `CREATE TABLE once (id int PRIMARY KEY)`)
	pgtest.Exec(t, db, `INSERT INTO once VALUES (1)`)

	var id int
	missing := db.Raw(`SELECT id FROM once WHERE id = 2`).Take(&id).Error
	notFound := postgres.WrapReadError(missing, "find 2")
	assert.ErrorIs(t, notFound, kernel.ErrNotFound)
	assert.Equal(t, kernel.ECodeNotFound, kernel.ErrorCodeOf(notFound))
	dup := db.Exec(`INSERT INTO once VALUES (1)`).Error
	duplicate := postgres.WrapWriteError(dup, "insert 1")
	assert.ErrorIs(t, duplicate, kernel.ErrDuplicate)
	assert.True(t, postgres.IsUniqueViolation(duplicate), "the database's error stays in the chain")
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(duplicate))
	assert.NoError(t, postgres.WrapReadError(nil, "find 1"))
	assert.NoError(t, postgres.WrapWriteError(nil, "insert 3"))
	assert.NotErrorIs(t, postgres.WrapWriteError(missing, "x"), kernel.ErrDuplicate, "only a unique violation is a duplicate")
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

// A database restart kills the pooled connections; the next BEGIN on one of
// them reads the server's 57P01 admin_shutdown. That is the database being
// unavailable (503), not a fault of the service (500).
func TestBeginOnAConnectionTheServerTerminatedIsUnavailable(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations)
	admin, _ := pgtest.New(t, nil)
	sqlDB, err := db.DB()
	require.NoError(t, err)
	sqlDB.SetMaxOpenConns(1) // BEGIN gets the connection that was terminated
	tx := postgres.NewTransactor(db)

	// The driver pings a pooled connection idle for more than a second
	// before handing it out, and silently replaces a dead one; a busy
	// service gets it back sooner and reads the server's error instead. So
	// a try that the ping saved proves nothing, and is made again.
	var terminated error
	for try := 0; try < 5 && terminated == nil; try++ {
		var pid int
		require.NoError(t, db.Raw(`SELECT pg_backend_pid()`).Scan(&pid).Error)
		var done bool
		require.NoError(t, admin.Raw(`SELECT pg_terminate_backend(?, 5000)`, pid).Scan(&done).Error)
		require.True(t, done, "backend %d terminated", pid)
		terminated = tx.Transact(context.Background(), func(context.Context) error { return nil })
	}

	require.Error(t, terminated, "no try reused the terminated connection")
	var pgErr *pgconn.PgError
	require.ErrorAs(t, terminated, &pgErr)
	assert.Equal(t, "57P01", pgErr.Code)
	assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(terminated), "%v", terminated)
	require.NoError(t, tx.Transact(context.Background(), func(context.Context) error { return nil }),
		"the pool then opens a new connection")
}

// Timeouts produced by the real server are transient: 57014 from
// statement_timeout, 55P03 from lock_timeout.
func TestStatementAndLockTimeoutsAreUnavailable(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations)
	tx := postgres.NewTransactor(db)

	err := tx.Transact(context.Background(), func(ctx context.Context) error {
		conn := postgres.Conn(ctx, db)
		require.NoError(t, conn.Exec(`SET LOCAL statement_timeout = '20ms'`).Error)
		return postgres.WrapError(conn.Exec(`SELECT pg_sleep(5)`).Error, "sleep")
	})
	assert.True(t, hasSQLState(err, "57014"), "%v", err)
	assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(err), "%v", err)

	locked := make(chan struct{})
	release := make(chan struct{})
	holder := make(chan error, 1)
	go func() {
		holder <- tx.Transact(context.Background(), func(ctx context.Context) error {
			if err := postgres.Conn(ctx, db).Exec(`LOCK TABLE widgets IN ACCESS EXCLUSIVE MODE`).Error; err != nil {
				close(locked)
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	err = tx.Transact(context.Background(), func(ctx context.Context) error {
		conn := postgres.Conn(ctx, db)
		require.NoError(t, conn.Exec(`SET LOCAL lock_timeout = '20ms'`).Error)
		return postgres.WrapError(conn.Exec(`INSERT INTO widgets VALUES (1, 'w')`).Error, "insert widget")
	})
	close(release)
	require.NoError(t, <-holder)
	assert.True(t, hasSQLState(err, "55P03"), "%v", err)
	assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(err), "%v", err)
}

func hasSQLState(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}

func TestWrapErrorClassifiesServerStates(t *testing.T) {
	tests := []struct {
		code string
		want kernel.ErrorCode
	}{
		{"57P01", kernel.ECodeUnavailable}, // admin_shutdown: a restart killed the session
		{"57P02", kernel.ECodeUnavailable}, // crash_shutdown
		{"57P03", kernel.ECodeUnavailable}, // cannot_connect_now: still starting
		{"57P05", kernel.ECodeUnavailable}, // idle_session_timeout
		{"08006", kernel.ECodeUnavailable}, // connection_failure
		{"08003", kernel.ECodeUnavailable}, // connection_does_not_exist
		{"53300", kernel.ECodeUnavailable}, // too_many_connections
		{"25006", kernel.ECodeUnavailable}, // read_only_sql_transaction: a standby after a failover
		{"55P03", kernel.ECodeUnavailable}, // lock_not_available
		{"57014", kernel.ECodeUnavailable}, // query_canceled
		{"23505", kernel.ECodeConflict},
		{"40001", kernel.ECodeConflict},
		{"40P01", kernel.ECodeConflict},
		{"42P01", kernel.ECodeInternal}, // undefined_table: a fault of the service
		{"22003", kernel.ECodeInternal}, // numeric_value_out_of_range
		{"57P04", kernel.ECodeInternal}, // database_dropped: no wait brings it back
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			err := postgres.WrapError(fmt.Errorf("exec: %w", &pgconn.PgError{Code: tt.code}), "begin transaction")
			assert.Equal(t, tt.want, kernel.ErrorCodeOf(err))
		})
	}
}
