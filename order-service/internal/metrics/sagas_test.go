package metrics_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/metricstest"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/order-service/internal/metrics"
)

var approved = map[string]string{"status": "APPROVED", "saga_status": "SUCCEEDED"}

// A saga's end counts once its transaction has committed, and not at all
// when the transaction rolls back: the step is then handled again and
// counts that time.
func TestSagaEndCountsOnlyOnceItsTransactionCommitted(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, nil)
	tx := postgres.NewTransactor(db)
	reg := prometheus.NewRegistry()
	sagas := metrics.NewSagas(reg, nil)
	started := time.Now().Add(-3 * time.Second)

	err := tx.Transact(context.Background(), func(ctx context.Context) error {
		sagas.SagaEnded(ctx, kernel.OrderStatusApproved, saga.StatusSucceeded, started)
		assert.Equal(t, 0.0, metricstest.Gather(t, reg).Value("fos_orders_finished_total", approved), "not before the commit")
		return errors.New("the batch failed")
	})
	require.Error(t, err)
	assert.Equal(t, 0.0, metricstest.Gather(t, reg).Value("fos_orders_finished_total", approved), "a rolled-back end is no end")

	require.NoError(t, tx.Transact(context.Background(), func(ctx context.Context) error {
		sagas.SagaEnded(ctx, kernel.OrderStatusApproved, saga.StatusSucceeded, started)
		return nil
	}))

	samples := metricstest.Gather(t, reg)
	assert.Equal(t, 1.0, samples.Value("fos_orders_finished_total", approved))
	assert.Equal(t, 1.0, samples.Value("fos_saga_duration_seconds_count", approved))
	assert.InDelta(t, 3, samples.Value("fos_saga_duration_seconds_sum", approved), 1, "from the order's creation")
	for _, end := range []map[string]string{
		{"status": "CANCELLED", "saga_status": "COMPENSATED"},
		{"status": "CANCELLING", "saga_status": "FAILED"},
	} {
		assert.True(t, samples.Has("fos_orders_finished_total", end), "%v is there at 0", end)
		assert.Equal(t, 0.0, samples.Value("fos_orders_finished_total", end))
	}
}

// stuckCounter answers fixed counts, or fails.
type stuckCounter struct {
	counts map[kernel.OrderStatus]int
	err    error
}

func (c stuckCounter) CountStuckSagas(context.Context) (map[kernel.OrderStatus]int, error) {
	return c.counts, c.err
}

func TestStuckSagasAreAskedForAtScrapeTime(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	metrics.NewSagas(reg, stuckCounter{counts: map[kernel.OrderStatus]int{
		kernel.OrderStatusPending: 2, kernel.OrderStatusPaid: 0, kernel.OrderStatusCancelling: 1}})

	samples := metricstest.Gather(t, reg)

	assert.Equal(t, 2.0, samples.Value("fos_sagas_stuck", map[string]string{"status": "PENDING"}))
	assert.Equal(t, 0.0, samples.Value("fos_sagas_stuck", map[string]string{"status": "PAID"}))
	assert.True(t, samples.Has("fos_sagas_stuck", map[string]string{"status": "PAID"}), "a status with none stuck is 0, not absent")
	assert.Equal(t, 1.0, samples.Value("fos_sagas_stuck", map[string]string{"status": "CANCELLING"}))

	failing := prometheus.NewRegistry()
	metrics.NewSagas(failing, stuckCounter{err: errors.New("database unavailable")})
	_, err := failing.Gather()
	assert.ErrorContains(t, err, "database unavailable")
}
