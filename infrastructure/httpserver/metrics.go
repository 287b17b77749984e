package httpserver

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

// RouteUnmatched is the route label of a request that matched no route: its
// URL is not a label, or a scanner probing paths would make a series of each.
const RouteUnmatched = "unmatched"

// ServeMetrics serves reg at GET /metrics in Prometheus' text format, and
// records every request that s and measured answer in reg:
//
//   - fos_http_requests_total{route, method, status}
//   - fos_http_request_duration_seconds{route, method}
//
// route is the echo route ("/orders/:trackingId"), never the URL, so that ids
// do not multiply the series. The status is the one the client got, after
// the error handler; a request its client cancelled is 499. Call it once,
// before Run: registering the series twice in one registry panics.
//
// A collector that fails at scrape time (a database read behind a gauge)
// leaves its series out of that scrape and is logged at WARN; every other
// series is still served, so that a database outage does not also blind the
// monitoring of everything else.
func (s *Server) ServeMetrics(reg *prometheus.Registry, measured ...*Server) {
	m := newRequestMetrics(reg)
	// Before routing, so that the requests no route matches are counted
	// too, and outside the request log and the recovery, so that the status
	// is the final one.
	for _, server := range append([]*Server{s}, measured...) {
		server.echo.Pre(m.record)
	}
	opts := promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, Registry: reg}
	if errorLog, err := zap.NewStdLogAt(s.log, zap.WarnLevel); err == nil {
		opts.ErrorLog = errorLog
	}
	s.echo.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(reg, opts)))
}

// requestMetrics counts and times the requests of one server.
type requestMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newRequestMetrics(reg prometheus.Registerer) *requestMetrics {
	f := promauto.With(reg)
	return &requestMetrics{
		requests: f.NewCounterVec(prometheus.CounterOpts{Name: "fos_http_requests_total",
			Help: "HTTP requests answered, by route, method and status."}, []string{"route", "method", "status"}),
		duration: f.NewHistogramVec(prometheus.HistogramOpts{Name: "fos_http_request_duration_seconds",
			Help: "Time to answer an HTTP request, by route and method.", Buckets: prometheus.DefBuckets}, []string{"route", "method"}),
	}
}

// record is the middleware that counts and times each request.
func (m *requestMetrics) record(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			// The error handler writes the answer; it does nothing the
			// second time, when the error reaches it from echo.
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = RouteUnmatched
		}
		method := methodLabel(c.Request().Method)
		m.requests.WithLabelValues(route, method, strconv.Itoa(c.Response().Status)).Inc()
		m.duration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
		return err
	}
}

// methodLabel keeps the method label to the methods HTTP defines, so that a
// client sending made-up methods cannot make up series.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return "other"
}
