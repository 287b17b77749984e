package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"

	"github.com/golang-migrate/migrate/v4"
	migratepgx "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	gormpg "gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// Migrate brings the service's schema up to date with the golang-migrate files
// in migrations (NNNNNN_name.up.sql / .down.sql). It creates the schema when
// missing and keeps the applied version in <schema>.schema_migrations, so each
// service tracks its own migrations in the database they share. The SQL files
// name no schema: the connection's search_path is the service's schema, which
// also lets tests migrate into a throwaway one. Running it again is a no-op.
// Replicas starting at once are safe: creating the schema is serialised by
// an advisory lock of ours, the migrations by golang-migrate's.
func Migrate(ctx context.Context, db *gorm.DB, schema string, migrations fs.FS) error {
	if err := createSchema(ctx, db, schema); err != nil {
		return err
	}
	// golang-migrate closes the *sql.DB it is given, so it gets a small pool of
	// its own on the same DSN rather than the service's.
	dialector, ok := db.Dialector.(*gormpg.Dialector)
	if !ok {
		return fmt.Errorf("migrate %s: not a PostgreSQL connection", schema)
	}
	migrationDB, err := sql.Open("pgx", dialector.Config.DSN)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", schema, err)
	}
	migrationDB.SetMaxOpenConns(2)
	driver, err := migratepgx.WithInstance(migrationDB, &migratepgx.Config{
		SchemaName:      schema,
		MigrationsTable: "schema_migrations",
	})
	if err != nil {
		_ = migrationDB.Close()
		return fmt.Errorf("migrate %s: %w", schema, err)
	}
	source, err := iofs.New(migrations, ".")
	if err != nil {
		_ = driver.Close()
		return fmt.Errorf("migrate %s: read migrations: %w", schema, err)
	}
	m, err := migrate.NewWithInstance("iofs", source, "pgx5", driver)
	if err != nil {
		_ = driver.Close()
		return fmt.Errorf("migrate %s: %w", schema, err)
	}
	defer m.Close()
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate %s: %w", schema, err)
	}
	return nil
}

// createSchema creates schema unless it exists. CREATE SCHEMA IF NOT EXISTS
// alone is not enough when two processes run it at once: both see no schema,
// and the second insert into pg_namespace fails with a unique violation. A
// transaction-scoped advisory lock keyed on the schema name makes the second
// wait for the first to commit, and then it sees the schema. golang-migrate's
// own lock cannot cover this step: its driver takes that lock only to create
// the version table inside the schema, which must exist by then.
func createSchema(ctx context.Context, db *gorm.DB, schema string) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtext(?))", "fos-migrate:"+schema).Error; err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		return tx.Exec("CREATE SCHEMA IF NOT EXISTS " + QuoteIdent(schema)).Error
	})
	if err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	return nil
}
