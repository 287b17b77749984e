package chaos

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEnvChanges(t *testing.T) {
	applied := map[string]string{}
	assert.Equal(t, map[string]string{"ORDER_SERVICE_SAGA_REPLY_TIMEOUT": "3s", "ORDER_SERVICE_SAGA_MAX_RESENDS": "1",
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
