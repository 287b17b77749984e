package postgres

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
)

type txKey struct{}

// afterCommitKey carries the functions AfterCommit registered in the
// outermost transaction of the context.
type afterCommitKey struct{}

// Transactor is the adapter of the application's transaction port. Transact
// runs fn in one database transaction carried by the context: repositories
// that fetch their handle with Conn join it without knowing. fn's error rolls
// back; a failed commit is returned, never swallowed.
type Transactor struct {
	db *gorm.DB
}

// NewTransactor returns a Transactor over db.
func NewTransactor(db *gorm.DB) *Transactor { return &Transactor{db: db} }

// Transact runs fn inside a transaction. A nested call joins the outer
// transaction. fn's error is returned as is; a failed BEGIN or COMMIT is
// classified like any query's error (WrapError), so that a database that is
// down is kernel.ECodeUnavailable from the first statement on. A panic in fn
// rolls back and is passed on, not recovered. Once the transaction has
// committed, the functions given to AfterCommit run, in order.
func (t *Transactor) Transact(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	tx := t.db.WithContext(ctx).Begin()
	if tx.Error != nil {
		return WrapError(tx.Error, "begin transaction")
	}
	finished := false
	defer func() {
		if !finished {
			// fn failed or panicked. A rollback that fails has nothing
			// to add: the server drops the transaction with its session.
			tx.Rollback()
		}
	}()
	var afterCommit []func()
	txCtx := context.WithValue(context.WithValue(ctx, txKey{}, tx), afterCommitKey{}, &afterCommit)
	if err := fn(txCtx); err != nil {
		return err
	}
	finished = true
	if err := WrapError(tx.Commit().Error, "commit transaction"); err != nil {
		return err
	}
	for _, f := range afterCommit {
		f()
	}
	return nil
}

// AfterCommit runs f once the transaction carried by ctx has committed, and
// never when it rolls back; with no transaction in ctx it runs f at once.
// Inside a nested Transact, f waits for the outermost commit. It is for what
// must only follow a change that became true and cannot undo it, such as
// counting it in a metric: a step that is rolled back and run again (a batch
// of records replayed one by one) then counts once. Like the transaction, it
// is for the goroutine that runs the transaction's function.
func AfterCommit(ctx context.Context, f func()) {
	if pending, ok := ctx.Value(afterCommitKey{}).(*[]func()); ok {
		*pending = append(*pending, f)
		return
	}
	f()
}

// Conn returns the transaction carried by ctx, or db when there is none,
// bound to ctx either way. Every repository query goes through it.
func Conn(ctx context.Context, db *gorm.DB) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.WithContext(ctx)
	}
	return db.WithContext(ctx)
}

// PostgreSQL error codes the adapters act on.
const (
	codeUniqueViolation      = "23505"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"

	classConnectionException   = "08"
	classInsufficientResources = "53"
	codeAdminShutdown          = "57P01"
	codeCrashShutdown          = "57P02"
	codeCannotConnectNow       = "57P03"
	codeIdleSessionTimeout     = "57P05"
	codeReadOnlyTransaction    = "25006"
	codeLockNotAvailable       = "55P03"
	codeQueryCanceled          = "57014"
)

// IsUniqueViolation reports whether err is a unique-index violation, which the
// outbox and saga tables use to turn a duplicate into a refused insert.
func IsUniqueViolation(err error) bool { return hasCode(err, codeUniqueViolation) }

// IsRetryable reports whether the transaction failed only because it raced
// another one and may simply be run again.
func IsRetryable(err error) bool {
	return hasCode(err, codeSerializationFailure) || hasCode(err, codeDeadlockDetected)
}

func hasCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}

// WrapError gives a database error the kernel code the application acts on:
// a row that raced another change is a conflict, a lost connection or a
// server that cannot serve the statement now (see IsUnavailable) makes the
// database unavailable. Other errors are wrapped with what failed.
func WrapError(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return kernel.WrapError(kernel.ECodeNotFound, err, what+": not found")
	case IsUniqueViolation(err), IsRetryable(err):
		return kernel.WrapError(kernel.ECodeConflict, err, what+": conflicts with a concurrent change")
	case pgconn.SafeToRetry(err), pgconn.Timeout(err), isConnectionLost(err), IsUnavailable(err):
		return kernel.WrapError(kernel.ECodeUnavailable, err, what+": database unavailable")
	}
	return fmt.Errorf("%s: %w", what, err)
}

// IsUnavailable reports a server error that says nothing about the statement
// and passes with time: the connection failed (class 08); the server is short
// of connections, memory or disk (class 53); the server is shutting down or
// starting, or killed the session (57P01 admin_shutdown, which is what a
// pooled connection gets on its next statement after a restart, 57P02
// crash_shutdown, 57P03 cannot_connect_now, 57P05 idle_session_timeout); the
// transaction is read-only because the server is now a standby after a
// failover (25006); a lock or statement timeout fired (55P03, 57014). The
// same statement may succeed a moment later, so these answer 503, not 500.
// kafka.Classify keeps the same list for errors that reach it unwrapped.
func IsUnavailable(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case codeAdminShutdown, codeCrashShutdown, codeCannotConnectNow, codeIdleSessionTimeout,
		codeReadOnlyTransaction, codeLockNotAvailable, codeQueryCanceled:
		return true
	}
	return strings.HasPrefix(pgErr.Code, classConnectionException) || strings.HasPrefix(pgErr.Code, classInsufficientResources)
}

// isConnectionLost reports an error of the way to the database rather than
// of the statement: no connection could be made, or the one in use broke
// (the server went away mid-query, a network error).
func isConnectionLost(err error) bool {
	var (
		ce   *pgconn.ConnectError
		nerr net.Error
	)
	return errors.As(err, &ce) || errors.As(err, &nerr) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF)
}

// WrapReadError gives a read's error the meaning the application acts on: a
// missing row is kernel.NotFound (kernel.ECodeNotFound, matching
// kernel.ErrNotFound) with what; anything else is classified as WrapError
// does.
func WrapReadError(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return kernel.NotFound("%s", what)
	}
	return WrapError(err, what)
}

// WrapWriteError gives a write's error the meaning the application acts on:
// a row a unique index refused is kernel.Duplicate (kernel.ECodeConflict,
// matching kernel.ErrDuplicate and the database's error), which is how a
// repeated request shows itself; anything else is classified as WrapError
// does.
func WrapWriteError(err error, what string) error {
	if IsUniqueViolation(err) {
		return kernel.Duplicate(err, "%s", what)
	}
	return WrapError(err, what)
}
