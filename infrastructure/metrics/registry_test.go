package metrics_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/infrastructure/metrics"
	"github.com/food-ordering-system/infrastructure/testkit/metricstest"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
)

func TestRegistryHasTheRuntimeAndThePool(t *testing.T) {
	t.Parallel()
	db, cfg := pgtest.New(t, nil)
	pool, err := db.DB()
	require.NoError(t, err)

	samples := metricstest.Gather(t, metrics.NewRegistry(pool, cfg.Schema))

	assert.True(t, samples.Has("go_goroutines", nil))
	assert.True(t, samples.Has("process_cpu_seconds_total", nil))
	assert.Equal(t, float64(cfg.MaxOpenConns), samples.Value("go_sql_max_open_connections", map[string]string{"db_name": cfg.Schema}))
}
