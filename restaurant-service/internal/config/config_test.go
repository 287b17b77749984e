package config_test

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	infraconfig "github.com/food-ordering-system/infrastructure/config"
	"github.com/food-ordering-system/infrastructure/kafka/contract"
	"github.com/food-ordering-system/restaurant-service/internal/config"
)

// configFile is the module's config.yaml.
func configFile(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	return filepath.Join(filepath.Dir(file), "..", "..", "config.yaml")
}

func TestConfigYAMLLoadsWithTheContractDefaults(t *testing.T) {
	var cfg config.Config
	require.NoError(t, infraconfig.Load(configFile(t), config.EnvPrefix, &cfg))

	assert.Equal(t, ":8183", cfg.HTTP.Address)
	assert.Equal(t, "restaurant", cfg.Postgres.Schema)
	assert.Equal(t, contract.TopicRestaurantApprovalRequest, cfg.Topics.RestaurantApprovalRequest)
	assert.Equal(t, contract.TopicRestaurantApprovalResponse, cfg.Topics.RestaurantApprovalResponse)
	assert.Equal(t, int32(3), cfg.Topics.Partitions)
	assert.NotEmpty(t, cfg.Consumer.GroupID)
	assert.Equal(t, 5*time.Second, cfg.Outbox.Relay.PollInterval)
	assert.Equal(t, time.Minute, cfg.Outbox.Cleaner.Interval)
	assert.False(t, cfg.Outbox.Archive)
}

func TestEnvironmentOverridesConfigYAML(t *testing.T) {
	t.Setenv("RESTAURANT_SERVICE_POSTGRES_HOST", "db.internal")
	t.Setenv("RESTAURANT_SERVICE_KAFKA_BROKERS", "a:9092,b:9092")
	t.Setenv("RESTAURANT_SERVICE_TOPICS_RESTAURANT_APPROVAL_RESPONSE", "answers")
	t.Setenv("RESTAURANT_SERVICE_OUTBOX_RELAY_POLL_INTERVAL", "250ms")
	t.Setenv("RESTAURANT_SERVICE_OUTBOX_ARCHIVE", "true")

	var cfg config.Config
	require.NoError(t, infraconfig.Load(configFile(t), config.EnvPrefix, &cfg))

	assert.Equal(t, "db.internal", cfg.Postgres.Host)
	assert.Equal(t, []string{"a:9092", "b:9092"}, cfg.Kafka.Brokers)
	assert.Equal(t, "answers", cfg.Topics.RestaurantApprovalResponse)
	assert.Equal(t, 250*time.Millisecond, cfg.Outbox.Relay.PollInterval)
	assert.True(t, cfg.Outbox.Archive)
}

func TestValidateRefusesUnworkableSettings(t *testing.T) {
	var valid config.Config
	require.NoError(t, infraconfig.Load(configFile(t), config.EnvPrefix, &valid))

	tests := map[string]func(c *config.Config){
		"no request topic": func(c *config.Config) { c.Topics.RestaurantApprovalRequest = "" },
		"same topics":      func(c *config.Config) { c.Topics.RestaurantApprovalResponse = c.Topics.RestaurantApprovalRequest },
		"no group":         func(c *config.Config) { c.Consumer.GroupID = "" },
		"backoffs swapped": func(c *config.Config) { c.Consumer.MinBackoff, c.Consumer.MaxBackoff = time.Minute, time.Second },
		"no schema":        func(c *config.Config) { c.Postgres.Schema = "" },
		"no brokers":       func(c *config.Config) { c.Kafka.Brokers = nil },
		"bad http address": func(c *config.Config) { c.HTTP.Address = "8183" },
		"relay backoffs swapped": func(c *config.Config) {
			c.Outbox.Relay.MinBackoff, c.Outbox.Relay.MaxBackoff = time.Minute, time.Second
		},
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := valid
			mutate(&cfg)
			assert.Error(t, cfg.Validate())
		})
	}
}
