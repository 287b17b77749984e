package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/infrastructure/config"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/postgres"
)

type serviceConfig struct {
	Postgres postgres.Config `mapstructure:"postgres"`
	Kafka    kafka.Config    `mapstructure:"kafka"`
	Relay    struct {
		PollInterval time.Duration `mapstructure:"poll_interval"`
	} `mapstructure:"relay"`
}

func (c serviceConfig) Validate() error {
	return errors.Join(c.Postgres.Validate(), c.Kafka.Validate())
}

const yaml = `
postgres:
  host: 127.0.0.1
  port: 5432
  user: postgres
  password: postgres
  database: food_ordering
  schema: payment
kafka:
  brokers: [127.0.0.1:9092]
  version: "4.1.1"
relay:
  poll_interval: 5s
`

func write(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestLoadReadsTheFile(t *testing.T) {
	var cfg serviceConfig
	require.NoError(t, config.Load(write(t, yaml), "TEST_SERVICE", &cfg))
	assert.Equal(t, "127.0.0.1", cfg.Postgres.Host)
	assert.Equal(t, "payment", cfg.Postgres.Schema)
	assert.Equal(t, []string{"127.0.0.1:9092"}, cfg.Kafka.Brokers)
	assert.Equal(t, 5*time.Second, cfg.Relay.PollInterval)
}

func TestEnvironmentOverridesEveryKind(t *testing.T) {
	t.Setenv("TEST_SERVICE_POSTGRES_HOST", "db.internal")
	t.Setenv("TEST_SERVICE_POSTGRES_PORT", "6543")
	t.Setenv("TEST_SERVICE_KAFKA_BROKERS", "k1:9092,k2:9092")
	t.Setenv("TEST_SERVICE_RELAY_POLL_INTERVAL", "250ms")
	var cfg serviceConfig
	require.NoError(t, config.Load(write(t, yaml), "TEST_SERVICE", &cfg))
	assert.Equal(t, "db.internal", cfg.Postgres.Host)
	assert.Equal(t, 6543, cfg.Postgres.Port)
	assert.Equal(t, []string{"k1:9092", "k2:9092"}, cfg.Kafka.Brokers)
	assert.Equal(t, 250*time.Millisecond, cfg.Relay.PollInterval)
	assert.Equal(t, "payment", cfg.Postgres.Schema, "keys without a variable keep the file's value")
}

func TestLoadRefusesInvalidConfig(t *testing.T) {
	var cfg serviceConfig
	t.Setenv("TEST_SERVICE_KAFKA_VERSION", "2.8.0")
	err := config.Load(write(t, yaml), "TEST_SERVICE", &cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Kafka 4.x")
}

func TestLoadRefusesUnknownKeysAndMissingFile(t *testing.T) {
	var cfg serviceConfig
	err := config.Load(write(t, yaml+"\npostgress:\n  host: typo\n"), "TEST_SERVICE", &cfg)
	require.Error(t, err, "a misspelt key is an error, not a silent default")
	assert.Error(t, config.Load(filepath.Join(t.TempDir(), "missing.yaml"), "TEST_SERVICE", &cfg))
}
