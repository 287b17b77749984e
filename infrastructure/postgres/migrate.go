package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/golang-migrate/migrate/v4"
	migratepgx "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"go.uber.org/zap"
	gormpg "gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// Schema is what a service's binary carries for its schema: the migrations
// (golang-migrate files) and the development seed data.
type Schema struct {
	Migrations fs.FS
	Seed       string
}

// Prepare readies a service's schema at start, before the service uses db
// (its pool, connected as the runtime role). With cfg.Migrate it applies the
// migrations as cfg.MigrationUser (see ApplyMigrations), so the runtime pool
// never holds the right to change a table, nor to write the version table.
// Without it it applies nothing and fails unless the schema is at least at
// the migrations' last version: a migration job holding the migration role
// (the binary's -migrate) brings it there. Then, with cfg.Seed, it inserts
// seed, the development reference data, through db.
func Prepare(ctx context.Context, cfg Config, db *gorm.DB, migrations fs.FS, seed string, log *zap.Logger) error {
	if cfg.Migrate {
		if err := applyMigrations(ctx, cfg, migrations); err != nil {
			return err
		}
		log.Info("postgres migrations applied", zap.String("schema", cfg.Schema), zap.String("role", cfg.MigrationUser))
	} else {
		if err := checkVersion(ctx, db, cfg.Schema, migrations); err != nil {
			return err
		}
		log.Info("postgres schema at this release's version; migrations left to the migration job (postgres.migrate is false)",
			zap.String("schema", cfg.Schema))
	}
	if cfg.Seed {
		if err := Seed(ctx, db, seed); err != nil {
			return err
		}
		log.Info("postgres development seed data applied", zap.String("schema", cfg.Schema))
	}
	return nil
}

// ApplyMigrations is the whole work of a migration job (a service binary's
// -migrate): it applies schema's migrations as cfg.MigrationUser, whatever
// cfg.Migrate says, leaves the runtime role cfg.User only SELECT on the
// version table and, with cfg.Seed, inserts the development seed data, as
// the migration role too, so that the job needs no other credentials.
// Running it again changes nothing.
func ApplyMigrations(ctx context.Context, cfg Config, schema Schema, log *zap.Logger) error {
	if err := applyMigrations(ctx, cfg, schema.Migrations); err != nil {
		return err
	}
	log.Info("postgres migrations applied", zap.String("schema", cfg.Schema), zap.String("role", cfg.MigrationUser))
	if !cfg.Seed {
		return nil
	}
	owner := cfg.MigrationConfig()
	owner.MaxOpenConns, owner.MaxIdleConns = 1, 1
	db, err := Open(ctx, owner, log)
	if err != nil {
		return err
	}
	defer func() { _ = Close(db) }()
	if err := Seed(ctx, db, schema.Seed); err != nil {
		return err
	}
	log.Info("postgres development seed data applied", zap.String("schema", cfg.Schema))
	return nil
}

// applyMigrations applies migrations as cfg.MigrationUser on a connection of
// its own, closed when they are done, and then takes from the runtime role
// the right to write the version table.
func applyMigrations(ctx context.Context, cfg Config, migrations fs.FS) error {
	if cfg.MigrationUser == "" {
		return fmt.Errorf("migrate %s: %w", cfg.Schema, errMigrateWithoutRole)
	}
	if err := migrateDSN(ctx, cfg.MigrationConfig().DSN(), cfg.Schema, migrations); err != nil {
		return err
	}
	if cfg.User != cfg.MigrationUser {
		return protectVersionTable(ctx, cfg)
	}
	return nil
}

// Seed runs the SQL of seed in one transaction on db, whose search_path is
// the service's schema. A seed inserts its rows unless present (ON CONFLICT
// DO NOTHING), so running it again changes nothing.
func Seed(ctx context.Context, db *gorm.DB, seed string) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return tx.Exec(seed).Error
	})
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}

// Migrate brings the schema db's search_path names up to date with the
// golang-migrate files in migrations (NNNNNN_name.up.sql / .down.sql), as
// the role db is connected with. It creates the schema when missing and
// keeps the applied version in <schema>.schema_migrations, so each service
// tracks its own migrations in the database they share. The SQL files name no
// schema: the connection's search_path is the service's schema, which also
// lets tests migrate into a throwaway one. Running it again is a no-op.
// Replicas starting at once are safe: creating the schema is serialised by an
// advisory lock of ours, the migrations by golang-migrate's.
func Migrate(ctx context.Context, db *gorm.DB, schema string, migrations fs.FS) error {
	dialector, ok := db.Dialector.(*gormpg.Dialector)
	if !ok {
		return fmt.Errorf("migrate %s: not a PostgreSQL connection", schema)
	}
	return migrateDSN(ctx, dialector.DSN, schema, migrations)
}

// migrateDSN is Migrate on a small pool of its own to dsn: golang-migrate
// closes the *sql.DB it is given.
func migrateDSN(ctx context.Context, dsn, schema string, migrations fs.FS) error {
	migrationDB, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", schema, err)
	}
	migrationDB.SetMaxOpenConns(2)
	if err := createSchema(ctx, migrationDB, schema); err != nil {
		_ = migrationDB.Close()
		return err
	}
	driver, err := migratepgx.WithInstance(migrationDB, &migratepgx.Config{
		SchemaName:      schema,
		MigrationsTable: migrationsTable,
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

// migrationsTable is golang-migrate's version table in each schema.
const migrationsTable = "schema_migrations"

// protectVersionTable leaves the runtime role only SELECT on the version
// table (for checkVersion), which the default privileges gave it like every
// table of the schema: a service that could write it could make the next
// start skip a migration or refuse to run. Done as the migration role, which
// owns the table; revoking what is not granted is a no-op.
func protectVersionTable(ctx context.Context, cfg Config) error {
	db, err := sql.Open("pgx", cfg.MigrationConfig().DSN())
	if err != nil {
		return fmt.Errorf("protect %s.%s: %w", cfg.Schema, migrationsTable, err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON `+QuoteIdent(cfg.Schema)+`.`+migrationsTable+
		` FROM `+QuoteIdent(cfg.User))
	if err != nil {
		return fmt.Errorf("protect %s.%s from %s: %w", cfg.Schema, migrationsTable, cfg.User, err)
	}
	return nil
}

// migrateHint says how a schema behind the binary is brought up to date.
const migrateHint = "run this release's binary with -migrate (as the migration role, postgres.migration_user) first, " +
	"or start it with postgres.migrate true"

// checkVersion fails unless the schema has been migrated, cleanly, to at
// least the last of migrations: a binary must not run on tables older than
// it expects. A newer version is fine (a newer release migrated it while
// this one still runs).
func checkVersion(ctx context.Context, db *gorm.DB, schema string, migrations fs.FS) error {
	source, err := iofs.New(migrations, ".")
	if err != nil {
		return fmt.Errorf("check migrations of %s: %w", schema, err)
	}
	defer source.Close()
	last, err := source.First()
	for err == nil {
		var next uint
		if next, err = source.Next(last); err == nil {
			last = next
		}
	}
	if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("check migrations of %s: %w", schema, err)
	}
	var applied struct {
		Version int64
		Dirty   bool
	}
	err = db.WithContext(ctx).Raw(`SELECT version, dirty FROM ` + QuoteIdent(schema) + `.` + migrationsTable + ` LIMIT 1`).
		Scan(&applied).Error
	if err != nil {
		return fmt.Errorf("schema %s is not migrated (%w): %s", schema, err, migrateHint)
	}
	if applied.Dirty || applied.Version < int64(last) {
		return fmt.Errorf("schema %s is at version %d (dirty: %t), this binary needs %d: %s",
			schema, applied.Version, applied.Dirty, last, migrateHint)
	}
	return nil
}

// createSchema creates schema unless it exists. The usual case is that it
// does: the migration role owns a schema made for it and may not create
// schemas in the database, and PostgreSQL checks that right before it looks
// at IF NOT EXISTS, so the statement is not even tried then. CREATE SCHEMA IF
// NOT EXISTS alone is not enough either when two processes run it at once:
// both see no schema, and the second insert into pg_namespace fails with a
// unique violation. A transaction-scoped advisory lock keyed on the schema
// name makes the second wait for the first to commit, and then it sees the
// schema. golang-migrate's own lock cannot cover this step: its driver takes
// that lock only to create the version table inside the schema, which must
// exist by then.
func createSchema(ctx context.Context, db *sql.DB, schema string) error {
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = $1)`, schema).Scan(&exists); err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	if exists {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", "fos-migrate:"+schema); err != nil {
		return fmt.Errorf("create schema %s: lock: %w", schema, err)
	}
	if _, err := tx.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+QuoteIdent(schema)); err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	return nil
}
