package lifecycle_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/infrastructure/lifecycle"
	"github.com/food-ordering-system/infrastructure/logging"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/openapitest"
)

// serviceConfig is the least a service's configuration has for Main.
type serviceConfig struct {
	Log      logging.Config         `mapstructure:"log"`
	Admin    httpserver.AdminConfig `mapstructure:"admin"`
	Postgres postgres.Config        `mapstructure:"postgres"`
}

func (c serviceConfig) Validate() error         { return c.Admin.Validate() }
func (c serviceConfig) Logging() logging.Config { return c.Log }
func (c serviceConfig) AdminAddress() string    { return c.Admin.Address }
func (c serviceConfig) Database() (postgres.Config, postgres.Schema) {
	return c.Postgres, postgres.Schema{Migrations: os.DirFS("../postgres/testdata/migrations"),
		Seed: `INSERT INTO widgets VALUES (1, 'seeded') ON CONFLICT DO NOTHING`}
}

func configFile(t *testing.T, adminAddress string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte("log:\n  level: info\nadmin:\n  address: \""+adminAddress+"\"\n"), 0o600))
	return path
}

func TestHealthcheckAsksTheAdminListener(t *testing.T) {
	addr := openapitest.FreeAddress(t)
	admin := httpserver.NewAdmin(httpserver.Config{}, httpserver.AdminConfig{Address: addr}, zaptest.NewLogger(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- admin.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done, "the server shuts down cleanly")
	})
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return lifecycle.Healthcheck[serviceConfig](context.Background(), configFile(t, addr), "TEST_SERVICE") == nil
	}, 5*time.Second, 10*time.Millisecond)

	for _, wildcard := range []string{":" + port, "0.0.0.0:" + port, "[::]:" + port} {
		assert.NoError(t, lifecycle.Healthcheck[serviceConfig](context.Background(), configFile(t, wildcard), "TEST_SERVICE"),
			"%s is asked on 127.0.0.1", wildcard)
	}
	t.Setenv("TEST_SERVICE_ADMIN_ADDRESS", openapitest.FreeAddress(t))
	err = lifecycle.Healthcheck[serviceConfig](context.Background(), configFile(t, addr), "TEST_SERVICE")
	require.Error(t, err, "the environment's address, where nothing listens")
	assert.ErrorContains(t, err, "connection refused")
}

func TestHealthcheckFailsOnAnotherStatusOrASlowAnswer(t *testing.T) {
	unhealthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(unhealthy.Close)
	err := lifecycle.Healthcheck[serviceConfig](context.Background(), configFile(t, unhealthy.Listener.Addr().String()), "TEST_SERVICE")
	assert.ErrorContains(t, err, "503")

	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	start := time.Now()
	err = lifecycle.Healthcheck[serviceConfig](context.Background(), configFile(t, slow.Listener.Addr().String()), "TEST_SERVICE")
	require.Error(t, err)
	assert.Less(t, time.Since(start), lifecycle.HealthcheckTimeout+time.Second, "it gives up after the timeout")

	err = lifecycle.Healthcheck[serviceConfig](context.Background(), filepath.Join(t.TempDir(), "missing.yaml"), "TEST_SERVICE")
	assert.ErrorContains(t, err, "missing.yaml", "the configuration is read as at start")
}
