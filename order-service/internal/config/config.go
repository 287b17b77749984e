package config

import (
	"errors"
	"fmt"

	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/logging"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/tracing"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/migrations"
)

// EnvPrefix prefixes the environment variables that override config.yaml,
// e.g. ORDER_SERVICE_POSTGRES_HOST.
const EnvPrefix = "ORDER_SERVICE"

// Config is everything order-service is configured with.
type Config struct {
	HTTP      httpserver.Config      `mapstructure:"http"`
	Admin     httpserver.AdminConfig `mapstructure:"admin"`
	Log       logging.Config         `mapstructure:"log"`
	Tracing   tracing.Config         `mapstructure:"tracing"`
	Postgres  postgres.Config        `mapstructure:"postgres"`
	Kafka     kafka.Config           `mapstructure:"kafka"`
	Topics    Topics                 `mapstructure:"topics"`
	Consumers Consumers              `mapstructure:"consumers"`
	Outbox    Outbox                 `mapstructure:"outbox"`
	Order     Order                  `mapstructure:"order"`
	// Saga says how long a saga waits for an answer before it acts alone.
	Saga application.SagaDeadlineConfig `mapstructure:"saga"`
	// Idempotency says how long Idempotency-Keys are kept.
	Idempotency application.IdempotencyConfig `mapstructure:"idempotency"`
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
	errs := []error{c.Log.Validate(), c.Tracing.Validate(), c.HTTP.Validate(), c.Admin.Validate(), c.Postgres.Validate(),
		c.Kafka.Validate(), c.Topics.Validate(),
		c.Consumers.PaymentResponse.Validate("consumers.payment_response"),
		c.Consumers.RestaurantApprovalResponse.Validate("consumers.restaurant_approval_response"),
		c.Outbox.Relays.PaymentOutbox.Validate(), c.Outbox.Relays.OrderApprovalOutbox.Validate(),
		c.Saga.Validate(), c.Idempotency.Validate()}
	if c.Order.MaxItems <= 0 {
		errs = append(errs, fmt.Errorf("order.max_items %d must be positive", c.Order.MaxItems))
	}
	return errors.Join(errs...)
}
