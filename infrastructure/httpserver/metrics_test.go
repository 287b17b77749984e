package httpserver_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/infrastructure/testkit/metricstest"
)

// measuredServer is a server with ServeMetrics on a registry of its own and
// a route that answers 200, 404 or panics, by id.
func measuredServer(t *testing.T) (*httpserver.Server, *prometheus.Registry, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zap.InfoLevel)
	s := httpserver.New(httpserver.Config{Address: ":0"}, zap.New(core))
	s.Echo().GET("/things/:id", func(c echo.Context) error {
		switch c.Param("id") {
		case "missing":
			return kernel.Errorf(kernel.ECodeNotFound, "no such thing")
		case "broken":
			panic("the handler broke")
		}
		return c.String(http.StatusOK, "thing")
	})
	reg := prometheus.NewRegistry()
	s.ServeMetrics(reg)
	return s, reg, logs
}

func TestRequestsAreCountedByRouteMethodAndStatus(t *testing.T) {
	s, _, logs := measuredServer(t)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)

	for _, r := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/things/1", http.StatusOK},
		{"GET", "/things/2", http.StatusOK},
		{"GET", "/things/missing", http.StatusNotFound},
		{"GET", "/things/broken", http.StatusInternalServerError},
		{"GET", "/no/such/route/42", http.StatusNotFound},
		{"BREW", "/things/1", http.StatusMethodNotAllowed},
	} {
		assert.Equal(t, r.status, do(t, s.Handler(), r.method, r.path, "").Code, "%s %s", r.method, r.path)
	}

	samples := metricstest.Scrape(t, srv.URL+"/metrics")
	requests := func(route, method, status string) float64 {
		return samples.Value("fos_http_requests_total", map[string]string{"route": route, "method": method, "status": status})
	}
	assert.Equal(t, 2.0, requests("/things/:id", "GET", "200"), "the route, not the URL: %v", samples.Series("fos_http_requests_total"))
	assert.Equal(t, 1.0, requests("/things/:id", "GET", "404"), "the status the error handler chose")
	assert.Equal(t, 1.0, requests("/things/:id", "GET", "500"), "a recovered panic")
	assert.Equal(t, 1.0, requests(httpserver.RouteUnmatched, "GET", "404"), "no route matched")
	assert.Equal(t, 1.0, requests("/things/:id", "other", "405"), "a made-up method makes no series of its own")
	assert.Len(t, samples.Series("fos_http_requests_total"), 5, "one series per route, method and status")
	assert.Equal(t, 4.0, samples.Value("fos_http_request_duration_seconds_count", map[string]string{"route": "/things/:id", "method": "GET"}))
	for _, series := range samples.Series("fos_http_requests_total") {
		assert.NotContains(t, series, "/things/1", "no URL in a label")
	}

	again := metricstest.Scrape(t, srv.URL+"/metrics")
	assert.Equal(t, 1.0, again.Value("fos_http_requests_total", map[string]string{"route": "/metrics", "method": "GET", "status": "200"}),
		"a scrape is a request like any other")
	for _, entry := range logs.FilterMessage("http request").All() {
		assert.NotEqual(t, "/metrics", entry.ContextMap()["uri"], "scrapes stay out of the request log")
	}
	assert.Len(t, logs.FilterMessage("http request").All(), 6, "the six requests, and no scrape")
}

// failingCollector reports an error at every scrape, as a gauge read from a
// database that is down does.
type failingCollector struct{ desc *prometheus.Desc }

func (c failingCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }
func (c failingCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.NewInvalidMetric(c.desc, errors.New("database unavailable"))
}

// A collector that fails leaves its series out of the scrape; everything else
// is still served, and the failure is logged at WARN.
func TestAFailingCollectorDoesNotHideTheOtherSeries(t *testing.T) {
	s, reg, logs := measuredServer(t)
	reg.MustRegister(failingCollector{desc: prometheus.NewDesc("fos_test_gauge", "A gauge that cannot be read.", nil, nil)})
	require.Equal(t, http.StatusOK, do(t, s.Handler(), "GET", "/things/1", "").Code)

	rec := do(t, s.Handler(), "GET", "/metrics", "")

	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), `fos_http_requests_total{method="GET",route="/things/:id",status="200"} 1`)
	assert.NotContains(t, rec.Body.String(), "fos_test_gauge ")
	warnings := logs.FilterLevelExact(zapcore.WarnLevel).All()
	require.NotEmpty(t, warnings)
	assert.True(t, strings.Contains(warnings[0].Message, "database unavailable"), warnings[0].Message)
}
