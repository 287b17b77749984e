package chaos

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

func TestEnvChanges(t *testing.T) {
	applied := map[string]string{}
	assert.Equal(t, map[string]string{"ORDER_SERVICE_SAGA_REPLY_TIMEOUT": "2s", "ORDER_SERVICE_SAGA_MAX_RESENDS": "2",
		"ORDER_SERVICE_SAGA_CHECK_INTERVAL": "1s"}, envChanges("ORDER_SERVICE_", applied, shortDeadlines), "the first scenario with them")
	assert.Empty(t, envChanges("PAYMENT_SERVICE_", applied, shortDeadlines), "payment-service is not restarted")

	for k, v := range shortDeadlines {
		applied[k] = v
	}
	assert.Empty(t, envChanges("ORDER_SERVICE_", applied, shortDeadlines), "the next scenario with the same settings restarts nothing")
	assert.Equal(t, map[string]string{"ORDER_SERVICE_SAGA_REPLY_TIMEOUT": "", "ORDER_SERVICE_SAGA_MAX_RESENDS": "",
		"ORDER_SERVICE_SAGA_CHECK_INTERVAL": ""}, envChanges("ORDER_SERVICE_", applied, nil), "restored to config.yaml's")
	assert.Equal(t, map[string]string{"ORDER_SERVICE_SAGA_REPLY_TIMEOUT": "5s", "ORDER_SERVICE_SAGA_MAX_RESENDS": "",
		"ORDER_SERVICE_SAGA_CHECK_INTERVAL": ""}, envChanges("ORDER_SERVICE_", applied, map[string]string{"ORDER_SERVICE_SAGA_REPLY_TIMEOUT": "5s"}))
}

// The faults that must outlast the short deadlines refuse to run shorter,
// and the defaults outlast them (make test passes -outage 20s, above 16s).
func TestShortDeadlinesAreOutlasted(t *testing.T) {
	assert.Equal(t, "8s", shortDeadline.String())
	cfg := Config{}
	cfg.setDefaults()
	assert.Greater(t, cfg.Outage, 2*shortDeadline)
	assert.Greater(t, cfg.Stall, shortDeadline)
	r := &Run{Cfg: Config{Outage: 2 * shortDeadline, Stall: shortDeadline}}
	assert.ErrorContains(t, longOutage(t.Context(), r), "does not outlast")
	assert.ErrorContains(t, stallEach(t.Context(), r), "does not outlast")
}

// A POST refused for good is a fault of the system (every order of the
// stream is valid); one without an answer, or with one that says to try
// again, is replayed.
func TestRefused(t *testing.T) {
	for status, want := range map[int]bool{400: true, 404: true, 422: true, 408: false, 429: false, 500: false, 503: false} {
		assert.Equal(t, want, refused(fmt.Errorf("post: %w", &e2e.APIError{Status: status})), "status %d", status)
	}
	assert.False(t, refused(errors.New("connection refused")))
	assert.False(t, refused(context.DeadlineExceeded))
}
