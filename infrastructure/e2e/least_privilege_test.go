package e2e_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/e2e"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/postgres/pgtest"
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
	// The services ran their migrations as those roles: each owns its schema.
	for schema, role := range map[string]string{"order": "order_service", "payment": "payment_service", "restaurant": "restaurant_service"} {
		var owner string
		require.NoError(t, s.DB.Raw(`SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = ?`, schema).Scan(&owner).Error)
		assert.Equal(t, role, owner, "owner of schema %s", schema)
	}
}
