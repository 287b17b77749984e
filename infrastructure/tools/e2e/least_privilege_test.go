package e2e_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"gorm.io/gorm"

	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// Each service's role reads and writes its own schema and nothing of the
// others': the system under test runs on those roles, and a connection as
// order-service's role is refused payment's and restaurant's tables.
func TestEachServiceRoleReachesOnlyItsOwnSchema(t *testing.T) {
	s := system(t)
	ctx := context.Background()
	owns := map[string]string{"order-service": `"order".orders`, "payment-service": "payment.credit_entry",
		"restaurant-service": "restaurant.restaurants"}
	for service, own := range owns {
		cfg := pgtest.Config()
		cfg.Database, cfg.User, cfg.Password = s.Database, e2e.Role(service), e2e.Role(service)
		db, err := postgres.Open(ctx, cfg, zap.NewNop())
		require.NoError(t, err, "%s connects with its role", service)
		var n int64
		require.NoError(t, db.Raw("SELECT count(*) FROM "+own).Scan(&n).Error, "%s reads its own %s", service, own)
		for other, table := range owns {
			if other == service {
				continue
			}
			err := db.Raw("SELECT count(*) FROM " + table).Scan(&n).Error
			var pgErr *pgconn.PgError
			if assert.ErrorAs(t, err, &pgErr, "%s reads %s", service, table) {
				assert.Equal(t, "42501", pgErr.Code, "%s on %s: insufficient privilege", service, table)
			}
		}
		_ = postgres.Close(db)
	}
}

// schemas is each service's schema, and a table of it every test may read.
var schemas = map[string]struct{ schema, table string }{
	"order-service":      {"order", "orders"},
	"payment-service":    {"payment", "credit_entry"},
	"restaurant-service": {"restaurant", "restaurants"},
}

// The runtime role a service works with changes rows and nothing else: it
// cannot create, alter or drop a table of its schema, nor create a schema,
// and its statements run under the timeouts roles.sql gives it. The
// migration role owns the schema: the services migrated with it at start,
// and a table it creates later is open to the runtime role by default.
func TestRuntimeRolesChangeOnlyRowsAndMigrationRolesOwnTheSchema(t *testing.T) {
	s := system(t)
	ctx := context.Background()
	for service, own := range schemas {
		table := postgres.QuoteIdent(own.schema) + "." + own.table
		runtime := connect(t, s, e2e.Role(service), own.schema)
		migrator := connect(t, s, e2e.MigrationRole(service), own.schema)

		// Rows: the privileges are checked before any row is looked at, so
		// statements that touch none show them without disturbing the
		// system's data.
		for _, statement := range []string{`SELECT * FROM ` + table + ` WHERE false`,
			`UPDATE ` + table + ` SET id = id WHERE false`, `DELETE FROM ` + table + ` WHERE false`} {
			require.NoError(t, runtime.WithContext(ctx).Exec(statement).Error, "%s: %s", e2e.Role(service), statement)
		}

		// Shape: refused.
		probe := postgres.QuoteIdent(own.schema) + ".probe_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:12]
		for what, statement := range map[string]string{
			"create a table":                `CREATE TABLE ` + probe + ` (id int)`,
			"alter a table":                 `ALTER TABLE ` + table + ` ADD COLUMN intruder int`,
			"drop a table":                  `DROP TABLE ` + table,
			"truncate":                      `TRUNCATE ` + table,
			"create a schema":               `CREATE SCHEMA intruder_` + strings.ReplaceAll(uuid.NewString(), "-", "")[:12],
			"write the migrations' version": `UPDATE schema_migrations SET dirty = true WHERE false`,
		} {
			assertRefused(t, runtime.Exec(statement).Error, "%s may not %s", e2e.Role(service), what)
		}
		var statementTimeout, lockTimeout string
		require.NoError(t, runtime.Raw(`SHOW statement_timeout`).Scan(&statementTimeout).Error)
		require.NoError(t, runtime.Raw(`SHOW lock_timeout`).Scan(&lockTimeout).Error)
		assert.Equal(t, "5s", statementTimeout, "%s statement_timeout", e2e.Role(service))
		assert.Equal(t, "2s", lockTimeout, "%s lock_timeout", e2e.Role(service))

		// The migration role owns the schema, its tables and its version
		// table, which the service's start left clean.
		var owners []string
		require.NoError(t, s.DB.Raw(`SELECT DISTINCT relowner::regrole::text FROM pg_class
			WHERE relnamespace = ?::regnamespace AND relkind IN ('r', 'p', 'S')
			UNION SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = ?`,
			postgres.QuoteIdent(own.schema), own.schema).Scan(&owners).Error)
		assert.Equal(t, []string{e2e.MigrationRole(service)}, owners, "owner of schema %s and everything in it", own.schema)
		var version struct {
			Version int64
			Dirty   bool
		}
		require.NoError(t, migrator.Raw(`SELECT version, dirty FROM schema_migrations`).Scan(&version).Error)
		assert.Positive(t, version.Version, "%s migrated", service)
		assert.False(t, version.Dirty, "%s migrated cleanly", service)
		assertRefused(t, migrator.Exec(`CREATE SCHEMA intruder_`+strings.ReplaceAll(uuid.NewString(), "-", "")[:12]).Error,
			"%s may not create schemas either", e2e.MigrationRole(service))

		// A later migration: the migration role changes the shape, and the
		// runtime role reaches the new table's rows by default privilege.
		require.NoError(t, migrator.Exec(`CREATE TABLE `+probe+` (id bigserial PRIMARY KEY, note text)`).Error, "%s creates a table", service)
		require.NoError(t, migrator.Exec(`ALTER TABLE `+probe+` ADD COLUMN added int`).Error, "%s alters it", service)
		require.NoError(t, runtime.Exec(`INSERT INTO `+probe+` (note, added) VALUES ('runtime', 1)`).Error,
			"%s writes the new table, its sequence too", e2e.Role(service))
		var notes []string
		require.NoError(t, runtime.Raw(`SELECT note FROM `+probe).Scan(&notes).Error)
		assert.Equal(t, []string{"runtime"}, notes)
		assertRefused(t, runtime.Exec(`DROP TABLE `+probe).Error, "%s may not drop the new table", e2e.Role(service))
		require.NoError(t, migrator.Exec(`DROP TABLE `+probe).Error, "%s drops it", service)
	}
}

// connect opens a pool to the system's database as role (whose development
// password is its name) with schema as search_path, closed with the test.
func connect(t *testing.T, s *e2e.System, role, schema string) *gorm.DB {
	t.Helper()
	cfg := pgtest.Config()
	cfg.Database, cfg.User, cfg.Password, cfg.Schema, cfg.MaxOpenConns = s.Database, role, role, schema, 2
	db, err := postgres.Open(context.Background(), cfg, zap.NewNop())
	require.NoError(t, err, "connect as %s", role)
	t.Cleanup(func() { _ = postgres.Close(db) })
	return db
}

// assertRefused asserts that err is PostgreSQL's refusal for want of a
// privilege (42501), or of ownership, which it reports the same way.
func assertRefused(t *testing.T, err error, msgAndArgs ...any) {
	t.Helper()
	var pgErr *pgconn.PgError
	if assert.ErrorAs(t, err, &pgErr, msgAndArgs...) {
		assert.Equal(t, "42501", pgErr.Code, msgAndArgs...)
	}
}
