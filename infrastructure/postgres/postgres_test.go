package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
)

var migrations = os.DirFS("testdata/migrations")

func TestMigrateIsIdempotentAndVersionsPerSchema(t *testing.T) {
	t.Parallel()
	db, cfg := pgtest.New(t, migrations)
	ctx := context.Background()
	require.NoError(t, postgres.Migrate(ctx, db, cfg.Schema, migrations), "a second run changes nothing")

	var version int
	require.NoError(t, db.Raw(`SELECT version FROM `+postgres.QuoteIdent(cfg.Schema)+`.schema_migrations`).Scan(&version).Error)
	assert.Equal(t, 1, version)
	var tables int64
	require.NoError(t, db.Raw(`SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'widgets'`,
		cfg.Schema).Scan(&tables).Error)
	assert.EqualValues(t, 1, tables, "tables land in the service's schema")
}

func TestTransactCommitsOrRollsBack(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations)
	tx := postgres.NewTransactor(db)
	ctx := context.Background()

	require.NoError(t, tx.Transact(ctx, func(ctx context.Context) error {
		return postgres.Conn(ctx, db).Exec(`INSERT INTO widgets VALUES (1, 'kept')`).Error
	}))
	failure := errors.New("use case failed")
	err := tx.Transact(ctx, func(ctx context.Context) error {
		require.NoError(t, postgres.Conn(ctx, db).Exec(`INSERT INTO widgets VALUES (2, 'dropped')`).Error)
		// A nested call joins the outer transaction, so its write is rolled back too.
		require.NoError(t, tx.Transact(ctx, func(ctx context.Context) error {
			return postgres.Conn(ctx, db).Exec(`INSERT INTO widgets VALUES (3, 'nested')`).Error
		}))
		return failure
	})
	require.ErrorIs(t, err, failure)
	var names []string
	require.NoError(t, db.Raw(`SELECT name FROM widgets ORDER BY id`).Scan(&names).Error)
	assert.Equal(t, []string{"kept"}, names)
}

func TestWrapErrorGivesDatabaseErrorsACode(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations)
	pgtest.Exec(t, db, `INSERT INTO widgets VALUES (1, 'a')`)
	err := db.Exec(`INSERT INTO widgets VALUES (2, 'a')`).Error
	require.True(t, postgres.IsUniqueViolation(err))
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(postgres.WrapError(err, "save widget")))

	var w struct{ ID int }
	err = db.Table("widgets").Where("id = ?", 42).First(&w).Error
	assert.Equal(t, kernel.ECodeNotFound, kernel.ErrorCodeOf(postgres.WrapError(err, "find widget")))
	assert.NoError(t, postgres.WrapError(nil, "nothing"))
}

func TestOpenFailsClearlyWhenTheDatabaseIsDown(t *testing.T) {
	t.Parallel()
	cfg := pgtest.Config()
	cfg.Port = 1
	cfg.Schema = "x"
	_, err := postgres.Open(context.Background(), cfg, zap.NewNop())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "127.0.0.1:1")
}

// Two replicas of a service starting at once both run Migrate on a schema
// that does not exist yet; neither may fail.
func TestMigrateFromConcurrentStartsOnAFreshSchema(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL")
	}
	const replicas, rounds = 4, 5
	ctx := context.Background()
	for round := range rounds {
		cfg := pgtest.Config()
		cfg.Schema = fmt.Sprintf("test_race_%d_%s", round, strings.ReplaceAll(uuid.NewString(), "-", "")[:12])
		dbs := make([]*gorm.DB, replicas)
		for i := range dbs {
			db, err := postgres.Open(ctx, cfg, zap.NewNop())
			require.NoError(t, err)
			t.Cleanup(func() { _ = postgres.Close(db) })
			dbs[i] = db
		}
		t.Cleanup(func() {
			_ = dbs[0].Exec("DROP SCHEMA IF EXISTS " + postgres.QuoteIdent(cfg.Schema) + " CASCADE").Error
		})

		start := make(chan struct{})
		errs := make([]error, replicas)
		var wg sync.WaitGroup
		for i, db := range dbs {
			wg.Go(func() {
				<-start
				errs[i] = postgres.Migrate(ctx, db, cfg.Schema, migrations)
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "round %d, replica %d", round, i)
		}
		var version int
		var dirty bool
		row := dbs[0].Raw(`SELECT version, dirty FROM ` + postgres.QuoteIdent(cfg.Schema) + `.schema_migrations`).Row()
		require.NoError(t, row.Scan(&version, &dirty))
		assert.Equal(t, 1, version, "round %d", round)
		assert.False(t, dirty, "round %d", round)
	}
}

func TestRuntimeParamsAreSetOnEveryConnection(t *testing.T) {
	t.Parallel()
	cfg := pgtest.Config()
	cfg.MaxOpenConns = 3
	cfg.RuntimeParams = map[string]string{"plan_cache_mode": "force_custom_plan", "application_name": "fos runtime params"}
	db, err := postgres.Open(context.Background(), cfg, zap.NewNop())
	require.NoError(t, err)
	t.Cleanup(func() { _ = postgres.Close(db) })
	sqlDB, err := db.DB()
	require.NoError(t, err)

	// Three connections held at once, so each is a connection of its own.
	var conns []*sql.Conn
	for range 3 {
		conn, err := sqlDB.Conn(context.Background())
		require.NoError(t, err)
		conns = append(conns, conn)
	}
	for _, conn := range conns {
		var mode, name string
		require.NoError(t, conn.QueryRowContext(context.Background(), "SHOW plan_cache_mode").Scan(&mode))
		require.NoError(t, conn.QueryRowContext(context.Background(), "SHOW application_name").Scan(&name))
		assert.Equal(t, "force_custom_plan", mode)
		assert.Equal(t, "fos runtime params", name)
		require.NoError(t, conn.Close())
	}
}

// Prepare migrates only with postgres.migrate, as the migration role:
// without it it applies nothing and refuses a schema behind the binary's
// migrations. The seed runs only where asked, and a second run adds nothing.
func TestPrepareMigratesAsTheMigrationRoleAndSeedsOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	db, cfg := pgtest.New(t, nil) // an empty schema: no migration applied yet
	ctx := context.Background()
	const seed = `INSERT INTO widgets VALUES (1, 'seeded') ON CONFLICT DO NOTHING`

	runtime := cfg
	runtime.Migrate = false
	err := postgres.Prepare(ctx, runtime, db, migrations, seed, zap.NewNop())
	require.Error(t, err, "migrations off and an unmigrated schema")
	assert.Contains(t, err.Error(), "-migrate")

	noRole := cfg
	noRole.Migrate, noRole.MigrationUser, noRole.MigrationPassword = true, "", ""
	assert.ErrorContains(t, postgres.Prepare(ctx, noRole, db, migrations, seed, zap.NewNop()), "postgres.migration_user is empty",
		"the runtime role never migrates")

	withRole := cfg
	withRole.Migrate, withRole.MigrationUser, withRole.MigrationPassword = true, cfg.User, cfg.Password
	require.NoError(t, postgres.Prepare(ctx, withRole, db, migrations, seed, zap.NewNop()))
	var widgets int64
	require.NoError(t, db.Raw(`SELECT count(*) FROM widgets`).Scan(&widgets).Error)
	assert.Zero(t, widgets, "no seed unless postgres.seed is set")

	runtime.Seed = true
	for range 2 {
		require.NoError(t, postgres.Prepare(ctx, runtime, db, migrations, seed, zap.NewNop()), "migrated: the runtime role may start")
	}
	require.NoError(t, db.Raw(`SELECT count(*) FROM widgets WHERE name = 'seeded'`).Scan(&widgets).Error)
	assert.EqualValues(t, 1, widgets, "seeded once, however often it runs")

	pgtest.Exec(t, db, `UPDATE schema_migrations SET dirty = true`)
	assert.Error(t, postgres.Prepare(ctx, runtime, db, migrations, seed, zap.NewNop()), "a dirty schema is refused")
}

func TestValidateRefusesAMigrationPasswordWithoutItsUser(t *testing.T) {
	cfg := pgtest.Config()
	cfg.Schema = "order"
	require.NoError(t, cfg.Validate())
	cfg.MigrationPassword = "secret"
	assert.ErrorContains(t, cfg.Validate(), "postgres.migration_user is empty")
	cfg.MigrationPassword, cfg.Migrate = "", true
	assert.ErrorContains(t, cfg.Validate(), "postgres.migrate is true but postgres.migration_user is empty")
}

// ApplyMigrations (a binary's -migrate) migrates as the migration role
// whatever postgres.migrate says, seeds only where asked, as that role, and
// changes nothing the second time.
func TestApplyMigrationsMigratesAndSeedsAsTheMigrationRole(t *testing.T) {
	t.Parallel()
	db, cfg := pgtest.New(t, nil)
	ctx := context.Background()
	schema := postgres.Schema{Migrations: migrations, Seed: `INSERT INTO widgets VALUES (1, 'seeded') ON CONFLICT DO NOTHING`}
	cfg.Migrate = false
	assert.ErrorContains(t, postgres.ApplyMigrations(ctx, cfg, schema, zap.NewNop()), "postgres.migration_user is empty")

	cfg.MigrationUser, cfg.MigrationPassword = cfg.User, cfg.Password
	require.NoError(t, postgres.ApplyMigrations(ctx, cfg, schema, zap.NewNop()))
	var widgets int64
	require.NoError(t, db.Raw(`SELECT count(*) FROM widgets`).Scan(&widgets).Error)
	assert.Zero(t, widgets, "no seed unless postgres.seed is set")
	require.NoError(t, postgres.Prepare(ctx, cfg, db, migrations, "", zap.NewNop()), "migrated: a service with migrations off starts")

	cfg.Seed = true
	for range 2 {
		require.NoError(t, postgres.ApplyMigrations(ctx, cfg, schema, zap.NewNop()))
	}
	require.NoError(t, db.Raw(`SELECT count(*) FROM widgets WHERE name = 'seeded'`).Scan(&widgets).Error)
	assert.EqualValues(t, 1, widgets, "seeded once, however often it runs")
}
