package config_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/contract"
	infraconfig "github.com/food-ordering-system/infrastructure/config"
	"github.com/food-ordering-system/infrastructure/testkit/configtest"
	"github.com/food-ordering-system/restaurant-service/internal/config"
)

func TestConfigYAMLLoadsWithTheContractDefaults(t *testing.T) {
	var cfg config.Config
	require.NoError(t, infraconfig.Load("../../config.yaml", config.EnvPrefix, &cfg))

	assert.Equal(t, ":8183", cfg.HTTP.Address)
	assert.Equal(t, "127.0.0.1:9183", cfg.Admin.Address, "the admin listener is on the loopback")
	assert.False(t, cfg.Admin.Pprof)
	assert.Equal(t, "restaurant", cfg.Postgres.Schema)
	assert.Equal(t, contract.TopicRestaurantApprovalRequest, cfg.Topics.RestaurantApprovalRequest)
	assert.Equal(t, contract.TopicRestaurantApprovalResponse, cfg.Topics.RestaurantApprovalResponse)
	assert.Equal(t, int32(3), cfg.Topics.Partitions)
	assert.NotEmpty(t, cfg.Consumers.RestaurantApprovalRequest.GroupID)
	assert.Equal(t, time.Second, cfg.Outbox.Relays.OrderOutbox.PollInterval)
	assert.Equal(t, 10*time.Second, cfg.Outbox.Cleaners.OrderOutbox.Interval)
	assert.False(t, cfg.Outbox.Archive)
}

func TestEnvironmentOverridesConfigYAML(t *testing.T) {
	t.Setenv("RESTAURANT_SERVICE_POSTGRES_HOST", "db.internal")
	t.Setenv("RESTAURANT_SERVICE_KAFKA_BROKERS", "a:9092,b:9092")
	t.Setenv("RESTAURANT_SERVICE_TOPICS_RESTAURANT_APPROVAL_RESPONSE", "answers")
	t.Setenv("RESTAURANT_SERVICE_OUTBOX_RELAYS_ORDER_OUTBOX_POLL_INTERVAL", "250ms")
	t.Setenv("RESTAURANT_SERVICE_OUTBOX_ARCHIVE", "true")

	var cfg config.Config
	require.NoError(t, infraconfig.Load("../../config.yaml", config.EnvPrefix, &cfg))

	assert.Equal(t, "db.internal", cfg.Postgres.Host)
	assert.Equal(t, []string{"a:9092", "b:9092"}, cfg.Kafka.Brokers)
	assert.Equal(t, "answers", cfg.Topics.RestaurantApprovalResponse)
	assert.Equal(t, 250*time.Millisecond, cfg.Outbox.Relays.OrderOutbox.PollInterval)
	assert.True(t, cfg.Outbox.Archive)
}

func TestValidateRefusesUnworkableSettings(t *testing.T) {
	var valid config.Config
	require.NoError(t, infraconfig.Load("../../config.yaml", config.EnvPrefix, &valid))

	tests := map[string]struct {
		mutate func(c *config.Config)
		want   string
	}{
		"no request topic": {
			mutate: func(c *config.Config) { c.Topics.RestaurantApprovalRequest = "" },
			want:   "topics.restaurant_approval_request is empty",
		},
		"no response topic": {
			mutate: func(c *config.Config) { c.Topics.RestaurantApprovalResponse = "" },
			want:   "topics.restaurant_approval_response is empty",
		},
		"same topics": {
			mutate: func(c *config.Config) { c.Topics.RestaurantApprovalResponse = c.Topics.RestaurantApprovalRequest },
			want: `topics.restaurant_approval_request and topics.restaurant_approval_response name the same topic "` +
				contract.TopicRestaurantApprovalRequest + `"`,
		},
		"negative partitions": {
			mutate: func(c *config.Config) { c.Topics.Partitions = -1 },
			want:   "topics: partitions and replication_factor must not be negative",
		},
		"no group": {mutate: func(c *config.Config) { c.Consumers.RestaurantApprovalRequest.GroupID = "" }, want: "consumers.restaurant_approval_request.group_id is empty"},
		"backoffs swapped": {mutate: func(c *config.Config) {
			c.Consumers.RestaurantApprovalRequest.MinBackoff, c.Consumers.RestaurantApprovalRequest.MaxBackoff = time.Minute, time.Second
		}, want: "consumers.restaurant_approval_request.min_backoff 1m0s is above consumers.restaurant_approval_request.max_backoff 1s"},
		"no schema":        {mutate: func(c *config.Config) { c.Postgres.Schema = "" }, want: "postgres.schema is empty"},
		"no brokers":       {mutate: func(c *config.Config) { c.Kafka.Brokers = nil }, want: "kafka.brokers is empty"},
		"bad http address": {mutate: func(c *config.Config) { c.HTTP.Address = "8183" }, want: `http.address "8183"`},
		"relay backoffs swapped": {
			mutate: func(c *config.Config) {
				c.Outbox.Relays.OrderOutbox.MinBackoff, c.Outbox.Relays.OrderOutbox.MaxBackoff = time.Minute, time.Second
			},
			want: "outbox relay order_outbox: min_backoff 1m0s is above max_backoff 1s",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := valid
			tt.mutate(&cfg)
			err := cfg.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestEveryKeyHasItsVariable(t *testing.T) {
	configtest.EveryKeyFromEnvironment(t, "../../config.yaml", config.EnvPrefix, &config.Config{}, false)
}

func TestEveryKeyCanComeFromAFile(t *testing.T) {
	configtest.EveryKeyFromEnvironment(t, "../../config.yaml", config.EnvPrefix, &config.Config{}, true)
}

// The service's README.md, beside its config.yaml, lists every key.
func TestREADMEListsEveryKey(t *testing.T) {
	configtest.READMETable(t, "../../README.md", "restaurant-service", "../../config.yaml", config.EnvPrefix, &config.Config{})
}
