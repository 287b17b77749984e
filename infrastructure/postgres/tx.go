package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
)

type txKey struct{}

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
// transaction.
func (t *Transactor) Transact(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	return t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
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
// a row that raced another change is a conflict, a lost connection makes the
// database unavailable. Other errors are wrapped with what failed.
func WrapError(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return kernel.WrapError(kernel.ECodeNotFound, err, what+": not found")
	case IsUniqueViolation(err), IsRetryable(err):
		return kernel.WrapError(kernel.ECodeConflict, err, what+": conflicts with a concurrent change")
	case pgconn.SafeToRetry(err), pgconn.Timeout(err), isConnectError(err):
		return kernel.WrapError(kernel.ECodeUnavailable, err, what+": database unavailable")
	}
	return fmt.Errorf("%s: %w", what, err)
}

func isConnectError(err error) bool {
	var ce *pgconn.ConnectError
	return errors.As(err, &ce)
}
