package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/infrastructure/config"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/configtest"
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

func TestEnvironmentSetsKeysTheFileLeavesOut(t *testing.T) {
	t.Setenv("TEST_SERVICE_KAFKA_TLS_ENABLED", "true")
	t.Setenv("TEST_SERVICE_KAFKA_SASL_PASSWORD", "s3cret")
	t.Setenv("TEST_SERVICE_POSTGRES_RUNTIME_PARAMS", "statement_timeout=5s, lock_timeout=1s")
	var cfg serviceConfig
	require.NoError(t, config.Decode(write(t, yaml), "TEST_SERVICE", &cfg))
	assert.True(t, cfg.Kafka.TLS.Enabled)
	assert.Equal(t, "s3cret", cfg.Kafka.SASL.Password)
	assert.Equal(t, map[string]string{"statement_timeout": "5s", "lock_timeout": "1s"}, cfg.Postgres.RuntimeParams)
}

func TestEveryKeyOfTheStructFromTheEnvironment(t *testing.T) {
	configtest.EveryKeyFromEnvironment(t, write(t, yaml), "TEST_SERVICE", &serviceConfig{}, false)
}

func TestEveryKeyOfTheStructFromAFile(t *testing.T) {
	configtest.EveryKeyFromEnvironment(t, write(t, yaml), "TEST_SERVICE", &serviceConfig{}, true)
}

func TestFileVariableReadsTheSecret(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "password")
	require.NoError(t, os.WriteFile(secret, []byte("from-a-file\n"), 0o600))
	t.Setenv("TEST_SERVICE_POSTGRES_PASSWORD_FILE", secret)
	var cfg serviceConfig
	require.NoError(t, config.Load(write(t, yaml), "TEST_SERVICE", &cfg))
	assert.Equal(t, "from-a-file", cfg.Postgres.Password, "the final newline is not part of the secret")
}

func TestFileVariableRefusesAmbiguityAndMissingFiles(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "password")
	require.NoError(t, os.WriteFile(secret, []byte("from-a-file"), 0o600))
	t.Setenv("TEST_SERVICE_POSTGRES_PASSWORD_FILE", secret)
	t.Setenv("TEST_SERVICE_POSTGRES_PASSWORD", "from-the-variable")
	var cfg serviceConfig
	err := config.Load(write(t, yaml), "TEST_SERVICE", &cfg)
	require.Error(t, err)
	assert.ErrorContains(t, err, "both TEST_SERVICE_POSTGRES_PASSWORD and TEST_SERVICE_POSTGRES_PASSWORD_FILE are set")

	t.Setenv("TEST_SERVICE_POSTGRES_PASSWORD", "")
	require.NoError(t, os.Unsetenv("TEST_SERVICE_POSTGRES_PASSWORD"))
	t.Setenv("TEST_SERVICE_POSTGRES_PASSWORD_FILE", filepath.Join(t.TempDir(), "missing"))
	err = config.Load(write(t, yaml), "TEST_SERVICE", &cfg)
	require.Error(t, err)
	assert.ErrorContains(t, err, "TEST_SERVICE_POSTGRES_PASSWORD_FILE")
}

func TestRuntimeParamsRefuseAPairWithoutValue(t *testing.T) {
	t.Setenv("TEST_SERVICE_POSTGRES_RUNTIME_PARAMS", "statement_timeout")
	var cfg serviceConfig
	assert.ErrorContains(t, config.Decode(write(t, yaml), "TEST_SERVICE", &cfg), "is not name=value")
}

func TestTableListsEveryKeyWithItsVariableAndDefault(t *testing.T) {
	table, err := config.Table(write(t, yaml), "TEST_SERVICE", &serviceConfig{})
	require.NoError(t, err)
	assert.Contains(t, table, "| `postgres.host` | `TEST_SERVICE_POSTGRES_HOST` | `127.0.0.1` |\n")
	assert.Contains(t, table, "| `kafka.brokers` | `TEST_SERVICE_KAFKA_BROKERS` | `127.0.0.1:9092` |\n")
	assert.Contains(t, table, "| `kafka.sasl.password` | `TEST_SERVICE_KAFKA_SASL_PASSWORD` | unset |\n", "a key the file leaves out")
	assert.Len(t, strings.Split(strings.TrimSpace(table), "\n"), 2+len(config.Keys(&serviceConfig{})))
}
