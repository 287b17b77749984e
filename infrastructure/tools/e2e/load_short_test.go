package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/infrastructure/tools/load"
)

// TestLoadShortRun is a short `make load`: the same generator at a rate the
// test machine sustains with ease. It asserts the outcome, never a timing:
// every saga ends, every credit is exact, every outbox row is published, and
// the report accounts for every order and every hop.
func TestLoadShortRun(t *testing.T) {
	s := system(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	report, err := load.Run(ctx, s, load.Config{Rate: 25, Duration: 6 * time.Second, Warmup: time.Second, Customers: 5})

	require.NoError(t, err)
	assert.Empty(t, report.Problems)
	assert.Zero(t, report.Stuck)
	assert.Zero(t, report.Failed)
	assert.Equal(t, report.Sent, report.Approved+report.Cancelled, "every order ended APPROVED or CANCELLED")
	assert.Greater(t, report.Cancelled, 0, "the refund path ran")
	assert.Greater(t, report.Approved, report.Cancelled, "most orders take the happy path")
	assert.Equal(t, report.Sent, report.SagaSeen.N, "every saga's end was read by the poll")
	assert.LessOrEqual(t, report.Saga.P50, report.SagaSeen.P50, "a final status is written before the poll reads it")
	assert.LessOrEqual(t, report.Saga.Max, report.SagaSeen.Max, "a final status is written before the poll reads it")
	require.Len(t, report.Hops, 9)
	for _, h := range report.Hops {
		assert.Equal(t, report.Approved, h.Latency.N, "every approved saga is timed at %s", h.Name)
	}
	for _, process := range []string{"order-service", "payment-service", "restaurant-service", "postgres", "kafka"} {
		assert.Greater(t, report.CPUMsPerSaga[process], 0.0, "CPU of %s is measured", process)
	}
	require.NotNil(t, report.Postgres, "the database's work is measured")
	assert.Greater(t, report.Postgres.CommitsPerSaga, 1.0, "a saga commits in every service")
	for _, role := range []string{"order_service", "payment_service", "restaurant_service"} {
		assert.Greater(t, report.Postgres.StatementsPerSaga[role], 1.0, "%s's statements are counted", role)
	}
	require.NotEmpty(t, report.Postgres.Top)
	assert.Greater(t, report.Postgres.Top[0].MsPerSaga, 0.0)
}
