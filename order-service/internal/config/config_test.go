package config_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/contract"
	infraconfig "github.com/food-ordering-system/infrastructure/config"
	"github.com/food-ordering-system/infrastructure/testkit/configtest"
	"github.com/food-ordering-system/order-service/internal/config"
)

func TestConfigYAMLLoadsWithContractDefaults(t *testing.T) {
	var cfg config.Config

	require.NoError(t, infraconfig.Load("../../config.yaml", config.EnvPrefix, &cfg))

	assert.Equal(t, "127.0.0.1:9181", cfg.Admin.Address, "the admin listener is on the loopback")
	assert.False(t, cfg.Admin.Pprof)
	assert.Equal(t, ":8181", cfg.HTTP.Address)
	assert.Equal(t, "order", cfg.Postgres.Schema)
	assert.Equal(t, []string{"127.0.0.1:9092"}, cfg.Kafka.Brokers)
	assert.Equal(t, contract.TopicPaymentRequest, cfg.Topics.PaymentRequest)
	assert.Equal(t, contract.TopicPaymentResponse, cfg.Topics.PaymentResponse)
	assert.Equal(t, contract.TopicRestaurantApprovalRequest, cfg.Topics.RestaurantApprovalRequest)
	assert.Equal(t, contract.TopicRestaurantApprovalResponse, cfg.Topics.RestaurantApprovalResponse)
	assert.Equal(t, time.Second, cfg.Outbox.Relays.PaymentOutbox.PollInterval)
	assert.Equal(t, 10*time.Second, cfg.Outbox.Cleaners.OrderApprovalOutbox.Interval)
	assert.Equal(t, 100, cfg.Order.MaxItems)
	assert.Equal(t, time.Minute, cfg.Saga.StuckAfter)
	assert.Equal(t, 24*time.Hour, cfg.Idempotency.Retention)
	assert.Equal(t, 10*time.Minute, cfg.Idempotency.CleanInterval)
	assert.Len(t, cfg.Topics.Specs(), 4)
}

func TestEnvironmentOverridesConfigYAML(t *testing.T) {
	t.Setenv("ORDER_SERVICE_POSTGRES_HOST", "db.internal")
	t.Setenv("ORDER_SERVICE_KAFKA_BROKERS", "a:9092,b:9092")
	t.Setenv("ORDER_SERVICE_TOPICS_PAYMENT_REQUEST", "payment-request-v2")
	t.Setenv("ORDER_SERVICE_CONSUMERS_PAYMENT_RESPONSE_GROUP_ID", "g2")
	t.Setenv("ORDER_SERVICE_CONSUMERS_RESTAURANT_APPROVAL_RESPONSE_SESSION_TIMEOUT", "6s")
	t.Setenv("ORDER_SERVICE_OUTBOX_RELAYS_PAYMENT_OUTBOX_POLL_INTERVAL", "250ms")
	t.Setenv("ORDER_SERVICE_ORDER_MAX_ITEMS", "7")
	t.Setenv("ORDER_SERVICE_SAGA_STUCK_AFTER", "90s")
	t.Setenv("ORDER_SERVICE_IDEMPOTENCY_RETENTION", "72h")
	var cfg config.Config

	require.NoError(t, infraconfig.Load("../../config.yaml", config.EnvPrefix, &cfg))

	assert.Equal(t, "db.internal", cfg.Postgres.Host)
	assert.Equal(t, []string{"a:9092", "b:9092"}, cfg.Kafka.Brokers)
	assert.Equal(t, "payment-request-v2", cfg.Topics.PaymentRequest)
	assert.Equal(t, "g2", cfg.Consumers.PaymentResponse.GroupID)
	assert.Equal(t, 6*time.Second, cfg.Consumers.RestaurantApprovalResponse.SessionTimeout)
	assert.Equal(t, 10*time.Second, cfg.Consumers.PaymentResponse.SessionTimeout, "config.yaml's value")
	assert.Equal(t, 250*time.Millisecond, cfg.Outbox.Relays.PaymentOutbox.PollInterval)
	assert.Equal(t, 7, cfg.Order.MaxItems)
	assert.Equal(t, 90*time.Second, cfg.Saga.StuckAfter)
	assert.Equal(t, 72*time.Hour, cfg.Idempotency.Retention)
}

func TestValidateRefusesUnusableSettings(t *testing.T) {
	var cfg config.Config
	require.NoError(t, infraconfig.Load("../../config.yaml", config.EnvPrefix, &cfg))
	cfg.Topics.PaymentResponse = ""
	cfg.Topics.RestaurantApprovalResponse = cfg.Topics.RestaurantApprovalRequest
	cfg.Consumers.RestaurantApprovalResponse.GroupID = ""
	cfg.Order.MaxItems = 0
	cfg.Saga.StuckAfter = -time.Minute
	cfg.Idempotency.Retention = -time.Hour

	err := cfg.Validate()

	require.Error(t, err)
	assert.ErrorContains(t, err, "topics.payment_response is empty")
	assert.ErrorContains(t, err, "topics.restaurant_approval_request and topics.restaurant_approval_response name the same topic")
	assert.ErrorContains(t, err, "consumers.restaurant_approval_response.group_id is empty")
	assert.ErrorContains(t, err, "order.max_items 0 must be positive")
	assert.ErrorContains(t, err, "saga.stuck_after must not be negative")
	assert.ErrorContains(t, err, "idempotency.retention, idempotency.clean_interval and idempotency.batch_size must not be negative")
}

func TestEveryKeyHasItsVariable(t *testing.T) {
	configtest.EveryKeyFromEnvironment(t, "../../config.yaml", config.EnvPrefix, &config.Config{}, false)
}

func TestEveryKeyCanComeFromAFile(t *testing.T) {
	configtest.EveryKeyFromEnvironment(t, "../../config.yaml", config.EnvPrefix, &config.Config{}, true)
}

// The service's README.md, beside its config.yaml, lists every key.
func TestREADMEListsEveryKey(t *testing.T) {
	configtest.READMETable(t, "../../README.md", "order-service", "../../config.yaml", config.EnvPrefix, &config.Config{})
}
