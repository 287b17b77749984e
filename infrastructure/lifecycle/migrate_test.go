package lifecycle_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/infrastructure/lifecycle"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
)

// -migrate reads the configuration as the service does, checks only what a
// migration job is given (the logging and postgres settings: the admin
// address here is invalid on purpose), and applies the migrations and, where
// postgres.seed is set, the seed as the migration role, whatever
// postgres.migrate says.
func TestMigrateAppliesTheSchemaWithOnlyThePostgresSettings(t *testing.T) {
	db, pg := pgtest.New(t, nil) // an empty schema of the test's own
	ctx := context.Background()
	write := func(t *testing.T, migrationUser string, seed bool) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "config.yaml")
		yaml := "log:\n  level: warn\nadmin:\n  address: \"not an address\"\npostgres:\n" +
			"  host: " + pg.Host + "\n  port: " + strconv.Itoa(pg.Port) + "\n  user: " + pg.User + "\n  password: " + pg.Password +
			"\n  database: " + pg.Database + "\n  schema: " + pg.Schema + "\n  migrate: false\n" +
			"  migration_user: \"" + migrationUser + "\"\n  migration_password: \"" + pg.Password + "\"\n" +
			"  seed: " + strconv.FormatBool(seed) + "\n"
		require.NoError(t, os.WriteFile(path, []byte(yaml), 0o600))
		return path
	}

	err := lifecycle.Migrate[serviceConfig](ctx, "test-service", write(t, "", false), "TEST_SERVICE")
	assert.ErrorContains(t, err, "postgres.migration_password is set but postgres.migration_user is empty")

	require.NoError(t, lifecycle.Migrate[serviceConfig](ctx, "test-service", write(t, pg.User, false), "TEST_SERVICE"))
	var version, widgets int64
	require.NoError(t, db.Raw(`SELECT version FROM schema_migrations`).Scan(&version).Error)
	assert.EqualValues(t, 1, version)
	require.NoError(t, db.Raw(`SELECT count(*) FROM widgets`).Scan(&widgets).Error)
	assert.Zero(t, widgets, "no seed unless postgres.seed is set")

	require.NoError(t, lifecycle.Migrate[serviceConfig](ctx, "test-service", write(t, pg.User, true), "TEST_SERVICE"))
	require.NoError(t, db.Raw(`SELECT count(*) FROM widgets`).Scan(&widgets).Error)
	assert.EqualValues(t, 1, widgets, "seeded by -migrate where postgres.seed is set")
}
