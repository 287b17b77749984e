package httpserver_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/food-ordering-system/infrastructure/httpserver"
)

// Each request's log line carries the id the client gets back as
// X-Request-Id: a new one, or the one the client sent.
func TestRequestIDIsReturnedAndLogged(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	s := httpserver.New(httpserver.Config{Address: ":0"}, zap.New(core))
	s.Echo().GET("/hello", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })

	first := do(t, s.Handler(), "GET", "/hello", "")
	second := do(t, s.Handler(), "GET", "/hello", "")
	req := httptest.NewRequest("GET", "/hello", nil)
	req.Header.Set(echo.HeaderXRequestID, "client-chosen-id")
	own := httptest.NewRecorder()
	s.Handler().ServeHTTP(own, req)

	ids := []string{first.Header().Get(echo.HeaderXRequestID), second.Header().Get(echo.HeaderXRequestID),
		own.Header().Get(echo.HeaderXRequestID)}
	require.NotEmpty(t, ids[0])
	assert.NotEqual(t, ids[0], ids[1], "each request its own id")
	assert.Equal(t, "client-chosen-id", ids[2], "the client's id is kept")
	entries := logs.FilterMessage("http request").All()
	require.Len(t, entries, 3)
	for i, e := range entries {
		assert.Equal(t, ids[i], e.ContextMap()["request_id"])
	}
}
