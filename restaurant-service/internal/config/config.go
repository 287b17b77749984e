package config

import (
	"errors"

	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/logging"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/tracing"
	"github.com/food-ordering-system/restaurant-service/migrations"
)

// EnvPrefix prefixes the environment variables that override config.yaml,
// e.g. RESTAURANT_SERVICE_POSTGRES_HOST.
const EnvPrefix = "RESTAURANT_SERVICE"

// Config is everything restaurant-service reads at start.
type Config struct {
	Log       logging.Config         `mapstructure:"log"`
	Tracing   tracing.Config         `mapstructure:"tracing"`
	HTTP      httpserver.Config      `mapstructure:"http"`
	Admin     httpserver.AdminConfig `mapstructure:"admin"`
	Postgres  postgres.Config        `mapstructure:"postgres"`
	Kafka     kafka.Config           `mapstructure:"kafka"`
	Topics    Topics                 `mapstructure:"topics"`
	Consumers Consumers              `mapstructure:"consumers"`
	Outbox    Outbox                 `mapstructure:"outbox"`
}

// Logging returns the logger's settings, for lifecycle.Main.
func (c Config) Logging() logging.Config { return c.Log }

// AdminAddress returns the admin listener's address, for lifecycle.Main's
// -healthcheck.
func (c Config) AdminAddress() string { return c.Admin.Address }

// Database returns the PostgreSQL settings and the schema this binary
// carries (its migrations and development seed), for lifecycle.Main's
// -migrate.
func (c Config) Database() (postgres.Config, postgres.Schema) {
	return c.Postgres, postgres.Schema{Migrations: migrations.FS, Seed: migrations.DevelopmentSeed}
}

// Validate reports every setting that cannot work.
func (c Config) Validate() error {
	return errors.Join(c.Log.Validate(), c.Tracing.Validate(), c.HTTP.Validate(), c.Admin.Validate(), c.Postgres.Validate(),
		c.Kafka.Validate(), c.Topics.Validate(),
		c.Consumers.RestaurantApprovalRequest.Validate("consumers.restaurant_approval_request"),
		c.Outbox.Relays.OrderOutbox.Validate())
}
