package e2e_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// The public port serves only the API; the probes, the metrics and the stuck
// sagas answer on the admin port.
func TestOperatorEndpointsAreOnlyOnTheAdminListener(t *testing.T) {
	if sys == nil {
		t.Skip("needs the running system (not under -short)")
	}
	get := func(url string) int {
		resp, err := sys.Client.HTTP.Get(url)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, service := range e2e.Services {
		public := map[string]string{"order-service": sys.Client.OrderURL, "payment-service": sys.Client.PaymentURL,
			"restaurant-service": sys.Client.RestaurantURL}[service]
		admin := sys.Client.AdminURL(service)
		for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
			assert.Equal(t, http.StatusNotFound, get(public+path), "%s's public port serves no %s", service, path)
			assert.Equal(t, http.StatusOK, get(admin+path), "%s's admin port serves %s", service, path)
		}
		assert.Equal(t, http.StatusOK, get(public+"/openapi.yaml"))
		assert.Equal(t, http.StatusNotFound, get(admin+"/openapi.yaml"), "the API's document is the public port's")
	}
	assert.Equal(t, http.StatusNotFound, get(sys.Client.OrderURL+"/sagas/stuck"))
	assert.Equal(t, http.StatusOK, get(sys.Client.OrderAdminURL+"/sagas/stuck"))
}

// The harness runs each service with the GOMAXPROCS of a machine it shares
// with PostgreSQL and the broker, as make run does; the service's own
// runtime metric says what it runs with.
func TestServicesRunWithTheSharedMachinesProcs(t *testing.T) {
	if sys == nil {
		t.Skip("needs the running system (not under -short)")
	}
	want := strconv.Itoa(e2e.ServiceProcs())
	if env := os.Getenv("GOMAXPROCS"); env != "" {
		want = env
	}
	for _, service := range e2e.Services {
		resp, err := sys.Client.HTTP.Get(sys.Client.AdminURL(service) + "/metrics")
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		line := regexp.MustCompile(`(?m)^go_sched_gomaxprocs_threads (\S+)$`).FindSubmatch(body)
		require.NotNil(t, line, "%s's /metrics has go_sched_gomaxprocs_threads", service)
		assert.Equal(t, want, string(line[1]), "%s's GOMAXPROCS", service)
	}
}

// Each binary's -healthcheck asks its admin listener: status 0 while the
// service runs, 1 with a one-line reason when nothing answers there.
func TestHealthcheckFlagOfEachBinary(t *testing.T) {
	if sys == nil {
		t.Skip("needs the running system (not under -short)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	nobody := ln.Addr().String()
	require.NoError(t, ln.Close())
	for _, service := range e2e.Services {
		stderr, err := sys.Healthcheck(ctx, service, nil)
		require.NoError(t, err, "%s -healthcheck: %s", service, stderr)

		prefix := strings.ToUpper(strings.ReplaceAll(service, "-", "_"))
		stderr, err = sys.Healthcheck(ctx, service, map[string]string{prefix + "_ADMIN_ADDRESS": nobody})
		require.Error(t, err, "%s -healthcheck with nothing listening", service)
		assert.Contains(t, stderr, service+": unhealthy: GET http://"+nobody+"/healthz")
		assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "one line: %q", stderr)
	}
}
