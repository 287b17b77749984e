// Package pgtest gives integration tests a real PostgreSQL schema of their
// own: each call creates a throwaway schema, applies the service's migrations
// into it and drops it when the test ends, so tests run in parallel without
// seeing each other's rows.
package pgtest

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
	"gorm.io/gorm"

	"github.com/food-ordering-system/infrastructure/postgres"
)

// Config returns the connection settings of the test database: the local
// cluster of infrastructure/tools/local unless FOS_TEST_POSTGRES_HOST,
// FOS_TEST_POSTGRES_PORT, FOS_TEST_POSTGRES_USER, FOS_TEST_POSTGRES_PASSWORD or
// FOS_TEST_POSTGRES_DATABASE say otherwise. Schema is left empty.
func Config() postgres.Config {
	port, err := strconv.Atoi(env("FOS_TEST_POSTGRES_PORT", "5432"))
	if err != nil {
		port = 5432
	}
	return postgres.Config{
		Host:           env("FOS_TEST_POSTGRES_HOST", "127.0.0.1"),
		Port:           port,
		User:           env("FOS_TEST_POSTGRES_USER", "postgres"),
		Password:       env("FOS_TEST_POSTGRES_PASSWORD", "postgres"),
		Database:       env("FOS_TEST_POSTGRES_DATABASE", "food_ordering"),
		MaxOpenConns:   10,
		ConnectTimeout: 5 * time.Second,
	}
}

// New opens a connection whose search_path is a new schema, applies
// migrations into it (nil applies none), then each of seeds (a service's
// development seed data, for the tests that use its reference ids), and
// registers the schema's removal. It skips the test under -short and fails
// it when the database is down.
func New(tb testing.TB, migrations fs.FS, seeds ...string) (*gorm.DB, postgres.Config) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("integration test: needs PostgreSQL (run without -short, e.g. make test)")
	}
	cfg := Config()
	cfg.Schema = "test_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:16]
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := postgres.Open(ctx, cfg, zap.NewNop())
	if err != nil {
		tb.Fatalf("pgtest: %v (is PostgreSQL running? infrastructure/tools/local/postgres.sh start)", err)
	}
	tb.Cleanup(func() {
		_ = db.Exec("DROP SCHEMA IF EXISTS " + postgres.QuoteIdent(cfg.Schema) + " CASCADE").Error
		_ = postgres.Close(db)
	})
	if migrations != nil {
		if err := postgres.Migrate(ctx, db, cfg.Schema, migrations); err != nil {
			tb.Fatalf("pgtest: %v", err)
		}
	} else if err := db.Exec("CREATE SCHEMA " + postgres.QuoteIdent(cfg.Schema)).Error; err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	for _, seed := range seeds {
		if err := postgres.Seed(ctx, db, seed); err != nil {
			tb.Fatalf("pgtest: %v", err)
		}
	}
	return db, cfg
}

// Exec runs SQL that a test needs to arrange data, failing the test on error.
func Exec(tb testing.TB, db *gorm.DB, sql string, args ...any) {
	tb.Helper()
	if err := db.Exec(sql, args...).Error; err != nil {
		tb.Fatalf("pgtest: %s: %v", firstLine(sql), err)
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return fmt.Sprint(s)
}

func env(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

// CreateOutbox creates an outbox table called name, and name_archive, with
// the columns postgres.OutboxStore needs and nothing of a service's own
// beyond a version: the shape the infrastructure's tests relay from.
func CreateOutbox(tb testing.TB, db *gorm.DB, name string) {
	tb.Helper()
	Exec(tb, db, `CREATE TABLE `+postgres.QuoteIdent(name)+` (
		id uuid PRIMARY KEY, saga_id uuid NOT NULL, created_at timestamptz NOT NULL, processed_at timestamptz,
		type text NOT NULL, payload jsonb NOT NULL, outbox_status text NOT NULL,
		version int NOT NULL DEFAULT 0, attempts int NOT NULL DEFAULT 0, last_error text, trace_parent text,
		lease_until timestamptz)`)
	Exec(tb, db, `CREATE TABLE `+postgres.QuoteIdent(name+"_archive")+` (LIKE `+postgres.QuoteIdent(name)+`)`)
}
