package httpserver_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/infrastructure/httpserver"
)

func TestPprofIsServedOnlyWhenTurnedOn(t *testing.T) {
	off := httpserver.NewAdmin(httpserver.Config{}, httpserver.AdminConfig{Address: ":0"}, zaptest.NewLogger(t))
	assert.Equal(t, http.StatusNotFound, do(t, off.Handler(), "GET", "/debug/pprof/", "").Code)
	assert.Equal(t, http.StatusNotFound, do(t, off.Handler(), "GET", "/debug/pprof/profile?seconds=1", "").Code)

	on := httpserver.NewServers(httpserver.Config{Address: ":0"}, httpserver.AdminConfig{Address: ":0", Pprof: true}, zaptest.NewLogger(t))
	assert.Equal(t, http.StatusNotFound, do(t, on.API.Handler(), "GET", "/debug/pprof/", "").Code, "never on the public port")
	index := do(t, on.Admin.Handler(), "GET", "/debug/pprof/", "")
	require.Equal(t, http.StatusOK, index.Code)
	assert.Contains(t, index.Body.String(), "goroutine")

	heap := do(t, on.Admin.Handler(), "GET", "/debug/pprof/heap?debug=1", "")
	require.Equal(t, http.StatusOK, heap.Code)
	assert.Contains(t, heap.Body.String(), "heap profile:")

	cpu := do(t, on.Admin.Handler(), "GET", "/debug/pprof/profile?seconds=1", "")
	require.Equal(t, http.StatusOK, cpu.Code)
	require.Greater(t, cpu.Body.Len(), 2)
	assert.Equal(t, []byte{0x1f, 0x8b}, cpu.Body.Bytes()[:2], "a CPU profile is gzipped protobuf")
}
