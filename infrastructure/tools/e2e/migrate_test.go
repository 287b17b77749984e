package e2e_test

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// seedTables is, for each service, a table its development seed fills.
var seedTables = map[string]string{
	"order-service":      "customers",
	"payment-service":    "credit_entry",
	"restaurant-service": "restaurants",
}

// The binaries as Kubernetes runs them. A migration job (the binary with
// -migrate) brings a fresh schema to this release's version as the migration
// role, seeding it only where postgres.seed is set; a service with
// postgres.migrate false refuses, with a clear error, a schema that is not
// there yet, and starts on a migrated one with its runtime role alone.
func TestMigrateFlagPreparesTheSchemaAndServicesWithMigrationsOffRefuseAnOlderOne(t *testing.T) {
	s := system(t)
	for _, service := range e2e.Services {
		t.Run(service, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			prefix := strings.ToUpper(strings.ReplaceAll(service, "-", "_")) + "_"
			runtime, migrator := e2e.Role(service), e2e.MigrationRole(service)

			// A schema of the test's own, made as roles.sql makes the
			// services' ones: owned by the migration role, the runtime
			// role's rights on its future tables granted by default.
			schema := "migrate_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:12]
			quoted := postgres.QuoteIdent(schema)
			for _, stmt := range []string{
				`CREATE SCHEMA ` + quoted + ` AUTHORIZATION ` + migrator,
				`GRANT USAGE ON SCHEMA ` + quoted + ` TO ` + runtime,
				`ALTER DEFAULT PRIVILEGES FOR ROLE ` + migrator + ` IN SCHEMA ` + quoted +
					` GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ` + runtime,
			} {
				require.NoError(t, s.DB.WithContext(ctx).Exec(stmt).Error, stmt)
			}
			t.Cleanup(func() { _ = s.DB.Exec(`DROP SCHEMA ` + quoted + ` CASCADE`).Error })

			// Migrations off; free ports, so that a binary that wrongly got
			// past the check would run on until ctx ends instead of failing
			// to listen.
			env := map[string]string{
				prefix + "POSTGRES_SCHEMA":  schema,
				prefix + "POSTGRES_MIGRATE": "false",
				prefix + "POSTGRES_SEED":    "false",
				prefix + "HTTP_ADDRESS":     "127.0.0.1:0",
				prefix + "ADMIN_ADDRESS":    "127.0.0.1:0",
			}
			out, err := s.RunOnce(ctx, service, env)
			requireExit1(t, err, out)
			assert.Contains(t, out, "schema "+schema+" is not migrated", "the error names the schema")
			assert.Contains(t, out, "-migrate", "the error says how to migrate it")

			out, err = s.RunOnce(ctx, service, env, "-migrate")
			require.NoError(t, err, "-migrate: %s", out)
			last := lastMigration(t, service)
			var applied struct {
				Version int64
				Dirty   bool
			}
			require.NoError(t, s.DB.WithContext(ctx).Raw(`SELECT version, dirty FROM `+quoted+`.schema_migrations`).Scan(&applied).Error)
			assert.Equal(t, last, applied.Version, "-migrate applies every migration")
			assert.False(t, applied.Dirty)
			var owner string
			require.NoError(t, s.DB.WithContext(ctx).Raw(`SELECT tableowner FROM pg_tables WHERE schemaname = ? AND tablename = ?`,
				schema, seedTables[service]).Scan(&owner).Error)
			assert.Equal(t, migrator, owner, "the tables belong to the migration role")
			var canRead, canWrite bool
			require.NoError(t, s.DB.WithContext(ctx).Raw(`SELECT has_table_privilege(?, ?, 'SELECT'), has_table_privilege(?, ?, 'INSERT')`,
				runtime, quoted+".schema_migrations", runtime, quoted+".schema_migrations").Row().Scan(&canRead, &canWrite))
			assert.True(t, canRead, "the runtime role reads the version it checks")
			assert.False(t, canWrite, "the runtime role cannot write the version table")
			seeded := func() int64 {
				var n int64
				require.NoError(t, s.DB.WithContext(ctx).Raw(`SELECT count(*) FROM `+quoted+`.`+seedTables[service]).Scan(&n).Error)
				return n
			}
			assert.Zero(t, seeded(), "no development data unless postgres.seed is set")

			// One version behind: refused, naming both versions.
			require.NoError(t, s.DB.WithContext(ctx).Exec(`UPDATE `+quoted+`.schema_migrations SET version = ?`, last-1).Error)
			out, err = s.RunOnce(ctx, service, env)
			requireExit1(t, err, out)
			assert.Contains(t, out, "schema "+schema+" is at version "+strconv.FormatInt(last-1, 10)+" (dirty: false), this binary needs "+
				strconv.FormatInt(last, 10))
			require.NoError(t, s.DB.WithContext(ctx).Exec(`UPDATE `+quoted+`.schema_migrations SET version = ?`, last).Error)

			// With postgres.seed, -migrate inserts the development data, once.
			env[prefix+"POSTGRES_SEED"] = "true"
			for range 2 {
				out, err = s.RunOnce(ctx, service, env, "-migrate")
				require.NoError(t, err, "-migrate with postgres.seed: %s", out)
			}
			n := seeded()
			assert.Positive(t, n, "-migrate seeds where postgres.seed is set")
			out, err = s.RunOnce(ctx, service, env, "-migrate")
			require.NoError(t, err, "-migrate again: %s", out)
			assert.Equal(t, n, seeded(), "a second run adds nothing")

			// The service's own schema is migrated: with migrations off and
			// a migration password that would be refused, it starts and
			// answers /readyz, never connecting as the migration role.
			undo, err := s.Reconfigure(ctx, service, map[string]string{
				prefix + "POSTGRES_MIGRATE":            "false",
				prefix + "POSTGRES_MIGRATION_PASSWORD": "not-the-password",
			})
			require.NoError(t, err, "%s with migrations off on its migrated schema", service)
			_, err = s.Reconfigure(ctx, service, undo)
			require.NoError(t, err, "%s restored", service)
		})
	}
}

// requireExit1 fails t unless err is the binary's exit with status 1.
func requireExit1(t *testing.T, err error, out string) {
	t.Helper()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "the binary exits on its own (%v): %s", err, out)
	require.Equal(t, 1, exit.ExitCode(), out)
}

// lastMigration is the version of service's last migration file.
func lastMigration(t *testing.T, service string) int64 {
	t.Helper()
	ups, err := filepath.Glob(filepath.Join("..", "..", "..", service, "migrations", "*.up.sql"))
	require.NoError(t, err)
	require.NotEmpty(t, ups)
	var last int64
	for _, up := range ups {
		v, err := strconv.ParseInt(strings.SplitN(filepath.Base(up), "_", 2)[0], 10, 64)
		require.NoError(t, err, up)
		last = max(last, v)
	}
	return last
}
