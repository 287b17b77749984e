// Package config is order-service's typed configuration: the shared
// infrastructure settings and the service's own, read once at start from
// config.yaml and ORDER_SERVICE_* environment variables.
package config

import (
	"errors"
	"fmt"

	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/logging"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/order-service/internal/application"
)

// EnvPrefix prefixes the environment variables that override config.yaml,
// e.g. ORDER_SERVICE_POSTGRES_HOST.
const EnvPrefix = "ORDER_SERVICE"

// Config is everything order-service is configured with.
type Config struct {
	HTTP      httpserver.Config `mapstructure:"http"`
	Log       logging.Config    `mapstructure:"log"`
	Postgres  postgres.Config   `mapstructure:"postgres"`
	Kafka     kafka.Config      `mapstructure:"kafka"`
	Topics    Topics            `mapstructure:"topics"`
	Consumers Consumers         `mapstructure:"consumers"`
	Outbox    Outbox            `mapstructure:"outbox"`
	Order     Order             `mapstructure:"order"`
	// Saga says how long a saga waits for an answer before it acts alone.
	Saga application.SagaDeadlineConfig `mapstructure:"saga"`
}

// Topics names the saga's topics (the contract's names by default) and how
// they are created when missing.
type Topics struct {
	PaymentRequest             string `mapstructure:"payment_request"`
	PaymentResponse            string `mapstructure:"payment_response"`
	RestaurantApprovalRequest  string `mapstructure:"restaurant_approval_request"`
	RestaurantApprovalResponse string `mapstructure:"restaurant_approval_response"`
	Partitions                 int32  `mapstructure:"partitions"`
	ReplicationFactor          int16  `mapstructure:"replication_factor"`
}

// Specs returns the topics to ensure at start.
func (t Topics) Specs() []kafka.TopicSpec {
	names := []string{t.PaymentRequest, t.PaymentResponse, t.RestaurantApprovalRequest, t.RestaurantApprovalResponse}
	specs := make([]kafka.TopicSpec, len(names))
	for i, name := range names {
		specs[i] = kafka.TopicSpec{Name: name, Partitions: t.Partitions, ReplicationFactor: t.ReplicationFactor}
	}
	return specs
}

// Consumers configures the listeners of the two reply topics.
type Consumers struct {
	PaymentResponse            kafka.ConsumerConfig `mapstructure:"payment_response"`
	RestaurantApprovalResponse kafka.ConsumerConfig `mapstructure:"restaurant_approval_response"`
}

// Outbox configures the relays ("schedulers") and cleaners of the two outbox
// tables.
type Outbox struct {
	PaymentRelay    outbox.RelayConfig   `mapstructure:"payment_relay"`
	ApprovalRelay   outbox.RelayConfig   `mapstructure:"approval_relay"`
	PaymentCleaner  outbox.CleanerConfig `mapstructure:"payment_cleaner"`
	ApprovalCleaner outbox.CleanerConfig `mapstructure:"approval_cleaner"`
	// Archive moves finished rows to <table>_archive instead of deleting them.
	Archive bool `mapstructure:"archive"`
}

// Order holds the service's own limits.
type Order struct {
	// MaxItems is the most lines one order may have.
	MaxItems int `mapstructure:"max_items"`
}

// Logging returns the logger's settings, for lifecycle.Main.
func (c Config) Logging() logging.Config { return c.Log }

// Validate reports every setting that cannot work.
func (c Config) Validate() error {
	errs := []error{c.HTTP.Validate(), c.Log.Validate(), c.Postgres.Validate(), c.Kafka.Validate(),
		c.Outbox.PaymentRelay.Validate(), c.Outbox.ApprovalRelay.Validate(), c.Saga.Validate()}
	for key, topic := range map[string]string{
		"topics.payment_request":              c.Topics.PaymentRequest,
		"topics.payment_response":             c.Topics.PaymentResponse,
		"topics.restaurant_approval_request":  c.Topics.RestaurantApprovalRequest,
		"topics.restaurant_approval_response": c.Topics.RestaurantApprovalResponse,
	} {
		if topic == "" {
			errs = append(errs, fmt.Errorf("%s is empty", key))
		}
	}
	errs = append(errs, c.Consumers.PaymentResponse.Validate("consumers.payment_response"),
		c.Consumers.RestaurantApprovalResponse.Validate("consumers.restaurant_approval_response"))
	if c.Order.MaxItems <= 0 {
		errs = append(errs, fmt.Errorf("order.max_items %d must be positive", c.Order.MaxItems))
	}
	return errors.Join(errs...)
}
