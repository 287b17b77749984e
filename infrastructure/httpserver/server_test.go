package httpserver_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/httpserver"
)

func do(t *testing.T, h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestErrorsMapToStatusAndJSONBody(t *testing.T) {
	s := httpserver.New(httpserver.Config{Address: ":0", BodyLimit: "1K"}, zaptest.NewLogger(t))
	e := s.Echo()
	e.GET("/invalid", func(echo.Context) error {
		return kernel.Errorf(kernel.ECodeInvalid, "Total price must be greater than zero!")
	})
	e.GET("/missing", func(echo.Context) error {
		return fmt.Errorf("track: %w", kernel.Errorf(kernel.ECodeNotFound, "Could not find order with tracking id: x"))
	})
	e.GET("/conflict", func(echo.Context) error {
		return kernel.Errorf(kernel.ECodeConflict, "payment_outbox row 42 was changed concurrently (version 3)")
	})
	e.GET("/down", func(echo.Context) error {
		return kernel.WrapError(kernel.ECodeUnavailable, errors.New("dial tcp 10.0.0.7:5432: connection refused"), "find order: database unavailable")
	})
	e.GET("/reused", func(echo.Context) error {
		return fmt.Errorf("create: %w", &httpserver.StatusError{Status: http.StatusUnprocessableEntity, Code: "idempotency_key_reused",
			Message: "the key was used for another request", Err: errors.New("hash 3f2a differs")})
	})
	e.GET("/echo-down", func(echo.Context) error {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "pool of 10.0.0.7 exhausted")
	})
	e.GET("/boom", func(echo.Context) error { return errors.New("pq: password authentication failed for user postgres") })
	e.GET("/panic", func(echo.Context) error { panic("nil map") })
	e.POST("/echo", func(c echo.Context) error {
		var v map[string]any
		if err := c.Bind(&v); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, v)
	})

	tests := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", "/invalid", "", 400, `{"code":"invalid","message":"Total price must be greater than zero!"}`},
		{"GET", "/missing", "", 404, `{"code":"not_found","message":"Could not find order with tracking id: x"}`},
		{"GET", "/conflict", "", 409, `{"code":"conflict","message":"the request conflicts with a concurrent change; try again"}`},
		{"GET", "/down", "", 503, `{"code":"unavailable","message":"service temporarily unavailable; try again"}`},
		{"GET", "/reused", "", 422, `{"code":"idempotency_key_reused","message":"the key was used for another request"}`},
		{"GET", "/echo-down", "", 503, `{"code":"unavailable","message":"service temporarily unavailable; try again"}`},
		{"GET", "/boom", "", 500, `{"code":"internal","message":"unexpected error"}`},
		{"GET", "/panic", "", 500, `{"code":"internal","message":"unexpected error"}`},
		{"GET", "/nowhere", "", 404, `{"code":"not_found","message":"Not Found"}`},
		{"POST", "/echo", `{"a":"` + strings.Repeat("x", 2048) + `"}`, 413, `{"code":"too_large","message":"Request Entity Too Large"}`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := do(t, s.Handler(), tt.method, tt.path, tt.body)
			assert.Equal(t, tt.status, rec.Code)
			assert.JSONEq(t, tt.want, rec.Body.String())
			for _, internal := range []string{"password", "10.0.0.7", "payment_outbox", "version", "3f2a"} {
				assert.NotContains(t, rec.Body.String(), internal, "internals never leak")
			}
		})
	}
}

func TestReadinessFollowsTheChecks(t *testing.T) {
	var dbDown atomic.Bool
	s := httpserver.NewAdmin(httpserver.Config{}, httpserver.AdminConfig{Address: ":0"}, zaptest.NewLogger(t),
		httpserver.Check{Name: "postgres", Probe: func(context.Context) error {
			if dbDown.Load() {
				return errors.New("connection refused")
			}
			return nil
		}},
		httpserver.Check{Name: "kafka", Probe: func(context.Context) error { return nil }},
	)
	rec := do(t, s.Handler(), "GET", "/readyz", "")
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"status":"UP","checks":{"postgres":"UP","kafka":"UP"}}`, rec.Body.String())

	dbDown.Store(true)
	rec = do(t, s.Handler(), "GET", "/readyz", "")
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.JSONEq(t, `{"status":"DOWN","checks":{"postgres":"DOWN","kafka":"UP"}}`, rec.Body.String())
	assert.Equal(t, http.StatusOK, do(t, s.Handler(), "GET", "/healthz", "").Code, "liveness ignores dependencies")
}

func TestRunServesUntilCancelledAndLetsRequestsFinish(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	s := httpserver.NewAdmin(httpserver.Config{ShutdownTimeout: 5 * time.Second}, httpserver.AdminConfig{Address: addr}, zaptest.NewLogger(t))
	started, release := make(chan struct{}), make(chan struct{})
	s.Echo().GET("/slow", func(c echo.Context) error {
		close(started)
		<-release // held until shutdown is under way
		return c.String(http.StatusOK, "done")
	})
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- s.Run(ctx) }()
	require.Eventually(t, func() bool {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	}, 5*time.Second, 10*time.Millisecond)

	// The answer to the request in flight, read whole: "" when it failed.
	slow := make(chan string, 1)
	go func() {
		defer close(slow)
		resp, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode == http.StatusOK {
			slow <- string(body)
		}
	}()
	<-started
	cancel()
	require.Eventually(t, func() bool {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err != nil
	}, 5*time.Second, 10*time.Millisecond, "shutdown begins: the server no longer accepts connections")
	close(release)
	assert.Equal(t, "done", <-slow, "the request in flight completes during shutdown with a 200")
	require.NoError(t, <-runErr)
}

func TestRequestLogShowsTheStatusTheClientGot(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	s := httpserver.New(httpserver.Config{Address: ":0"}, zap.New(core))
	s.Echo().GET("/missing", func(echo.Context) error { return kernel.Errorf(kernel.ECodeNotFound, "gone") })
	rec := do(t, s.Handler(), "GET", "/missing", "")
	require.Equal(t, http.StatusNotFound, rec.Code)
	entries := logs.FilterMessage("http request").All()
	require.Len(t, entries, 1)
	assert.EqualValues(t, http.StatusNotFound, entries[0].ContextMap()["status"])
}
