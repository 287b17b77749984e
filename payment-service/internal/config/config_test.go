package config_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/contract"
	infraconfig "github.com/food-ordering-system/infrastructure/config"
	"github.com/food-ordering-system/infrastructure/testkit/configtest"
	"github.com/food-ordering-system/payment-service/internal/config"
)

func TestDefaults(t *testing.T) {
	var cfg config.Config
	require.NoError(t, infraconfig.Load("../../config.yaml", config.EnvPrefix, &cfg))

	assert.Equal(t, ":8182", cfg.HTTP.Address)
	assert.Equal(t, "127.0.0.1:9182", cfg.Admin.Address, "the admin listener is on the loopback")
	assert.False(t, cfg.Admin.Pprof)
	assert.Equal(t, "payment", cfg.Postgres.Schema)
	assert.Equal(t, contract.TopicPaymentRequest, cfg.Topics.PaymentRequest)
	assert.Equal(t, contract.TopicPaymentResponse, cfg.Topics.PaymentResponse)
	assert.Equal(t, []string{"127.0.0.1:9092"}, cfg.Kafka.Brokers)
	assert.Equal(t, time.Second, cfg.Outbox.Relays.OrderOutbox.PollInterval)
	assert.Equal(t, 10*time.Second, cfg.Outbox.Cleaners.OrderOutbox.Interval)
	assert.False(t, cfg.Outbox.Archive)
}

func TestEnvironmentOverrides(t *testing.T) {
	t.Setenv("PAYMENT_SERVICE_POSTGRES_HOST", "db.internal")
	t.Setenv("PAYMENT_SERVICE_KAFKA_BROKERS", "a:9092,b:9092")
	t.Setenv("PAYMENT_SERVICE_TOPICS_PAYMENT_RESPONSE", "payment-response-v2")
	t.Setenv("PAYMENT_SERVICE_CONSUMERS_PAYMENT_REQUEST_GROUP_ID", "other-group")
	t.Setenv("PAYMENT_SERVICE_OUTBOX_RELAYS_ORDER_OUTBOX_POLL_INTERVAL", "250ms")
	t.Setenv("PAYMENT_SERVICE_OUTBOX_ARCHIVE", "true")
	var cfg config.Config

	require.NoError(t, infraconfig.Load("../../config.yaml", config.EnvPrefix, &cfg))

	assert.Equal(t, "db.internal", cfg.Postgres.Host)
	assert.Equal(t, []string{"a:9092", "b:9092"}, cfg.Kafka.Brokers)
	assert.Equal(t, "payment-response-v2", cfg.Topics.PaymentResponse)
	assert.Equal(t, "other-group", cfg.Consumers.PaymentRequest.GroupID)
	assert.Equal(t, 250*time.Millisecond, cfg.Outbox.Relays.OrderOutbox.PollInterval)
	assert.True(t, cfg.Outbox.Archive)
}

func TestValidateRefusesBrokenSettings(t *testing.T) {
	tests := []struct {
		name   string
		change func(*config.Config)
		reason string
	}{
		{"no consumer group", func(c *config.Config) { c.Consumers.PaymentRequest.GroupID = "" }, "consumers.payment_request.group_id"},
		{"one topic for both directions", func(c *config.Config) { c.Topics.PaymentResponse = c.Topics.PaymentRequest },
			`topics.payment_request and topics.payment_response name the same topic "payment-request"`},
		{"no request topic", func(c *config.Config) { c.Topics.PaymentRequest = "" }, "topics.payment_request is empty"},
		{"negative partitions", func(c *config.Config) { c.Topics.Partitions = -1 }, "partitions and replication_factor must not be negative"},
		{"no schema", func(c *config.Config) { c.Postgres.Schema = "" }, "postgres.schema"},
		{"bad log level", func(c *config.Config) { c.Log.Level = "loud" }, "log.level"},
		{"backoffs upside down", func(c *config.Config) { c.Consumers.PaymentRequest.MinBackoff = time.Hour }, "min_backoff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg config.Config
			require.NoError(t, infraconfig.Load("../../config.yaml", config.EnvPrefix, &cfg))
			tt.change(&cfg)
			err := cfg.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.reason)
		})
	}
}

func TestLoadRefusesAnInvalidEnvironment(t *testing.T) {
	t.Setenv("PAYMENT_SERVICE_TOPICS_PAYMENT_RESPONSE", "payment-request")
	var cfg config.Config
	err := infraconfig.Load("../../config.yaml", config.EnvPrefix, &cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "name the same topic")
}

func TestEveryKeyHasItsVariable(t *testing.T) {
	configtest.EveryKeyFromEnvironment(t, "../../config.yaml", config.EnvPrefix, &config.Config{}, false)
}

func TestEveryKeyCanComeFromAFile(t *testing.T) {
	configtest.EveryKeyFromEnvironment(t, "../../config.yaml", config.EnvPrefix, &config.Config{}, true)
}

// The service's README.md, beside its config.yaml, lists every key.
func TestREADMEListsEveryKey(t *testing.T) {
	configtest.READMETable(t, "../../README.md", "payment-service", "../../config.yaml", config.EnvPrefix, &config.Config{})
}
