package httpserver_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/infrastructure/testkit/metricstest"
	"github.com/food-ordering-system/infrastructure/testkit/openapitest"
)

// answers reports whether a GET of url gets any answer at all.
func answers(url string) bool {
	resp, err := http.Get(url)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func TestTheAPIPortServesTheAPIAndTheAdminPortTheRest(t *testing.T) {
	api, admin := openapitest.FreeAddress(t), openapitest.FreeAddress(t)
	servers := httpserver.NewServers(httpserver.Config{Address: api, ShutdownTimeout: 5 * time.Second},
		httpserver.AdminConfig{Address: admin, Pprof: true}, zaptest.NewLogger(t),
		httpserver.Check{Name: "postgres", Probe: func(context.Context) error { return errors.New("down") }})
	servers.API.Echo().GET("/things", func(c echo.Context) error { return c.String(http.StatusOK, "things") })
	servers.ServeMetrics(prometheus.NewRegistry())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- servers.Run(ctx) }()
	require.Eventually(t, func() bool {
		return answers("http://"+api+"/things") && answers("http://"+admin+"/healthz")
	}, 5*time.Second, 10*time.Millisecond)

	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/debug/pprof/"} {
		assert.Equal(t, http.StatusNotFound, status(t, "http://"+api+path), "the public port does not serve %s", path)
	}
	assert.Equal(t, http.StatusNotFound, status(t, "http://"+admin+"/things"), "the admin port does not serve the API")
	assert.Equal(t, http.StatusServiceUnavailable, status(t, "http://"+admin+"/readyz"))
	assert.Equal(t, http.StatusOK, status(t, "http://"+admin+"/debug/pprof/"))
	samples := metricstest.Scrape(t, "http://"+admin+"/metrics")
	assert.Equal(t, 1.0, samples.Value("fos_http_requests_total", map[string]string{"route": "/things", "method": "GET", "status": "200"}),
		"the admin port's metrics count the API's requests")

	cancel()
	require.NoError(t, <-done)
	for _, addr := range []string{api, admin} {
		assert.False(t, answers("http://"+addr+"/healthz"), "%s is closed after Run returns", addr)
	}
}

func TestServersStopTogetherWhenOneCannotListen(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	servers := httpserver.NewServers(httpserver.Config{Address: openapitest.FreeAddress(t)},
		httpserver.AdminConfig{Address: taken.Addr().String()}, zaptest.NewLogger(t))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	err = servers.Run(ctx)

	require.Error(t, err)
	assert.ErrorContains(t, err, "admin: listen on "+taken.Addr().String())
	assert.NoError(t, ctx.Err(), "Run returned on the failure, not at the test's deadline")
}

func TestAdminConfigRefusesAnAddressWithoutPort(t *testing.T) {
	assert.ErrorContains(t, httpserver.AdminConfig{Address: "localhost"}.Validate(), `admin.address "localhost"`)
	assert.NoError(t, httpserver.AdminConfig{Address: "127.0.0.1:9181"}.Validate())
}
