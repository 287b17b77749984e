// Package config is restaurant-service's typed configuration: the shared
// infrastructure settings plus the service's topics, consumer group and
// outbox timings. main loads it once with infrastructure/config.Load.
package config

import (
	"errors"

	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/logging"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
)

// EnvPrefix prefixes the environment variables that override config.yaml,
// e.g. RESTAURANT_SERVICE_POSTGRES_HOST.
const EnvPrefix = "RESTAURANT_SERVICE"

// Config is everything restaurant-service reads at start.
type Config struct {
	Log      logging.Config       `mapstructure:"log"`
	HTTP     httpserver.Config    `mapstructure:"http"`
	Postgres postgres.Config      `mapstructure:"postgres"`
	Kafka    kafka.Config         `mapstructure:"kafka"`
	Topics   Topics               `mapstructure:"topics"`
	Consumer kafka.ConsumerConfig `mapstructure:"consumer"`
	Outbox   Outbox               `mapstructure:"outbox"`
}

// Topics names the topics the service reads and writes, and how missing ones
// are created.
type Topics struct {
	// RestaurantApprovalRequest is read: order-service's approval requests.
	RestaurantApprovalRequest string `mapstructure:"restaurant_approval_request"`
	// RestaurantApprovalResponse is written: the restaurant's answers.
	RestaurantApprovalResponse string `mapstructure:"restaurant_approval_response"`
	Partitions                 int32  `mapstructure:"partitions"`
	ReplicationFactor          int16  `mapstructure:"replication_factor"`
}

// Outbox tunes the order_outbox relay and cleaner.
type Outbox struct {
	Relay   outbox.RelayConfig   `mapstructure:"relay"`
	Cleaner outbox.CleanerConfig `mapstructure:"cleaner"`
	// Archive makes the cleaner move published rows to order_outbox_archive
	// instead of deleting them.
	Archive bool `mapstructure:"archive"`
}

// Logging returns the logger's settings, for lifecycle.Main.
func (c Config) Logging() logging.Config { return c.Log }

// Validate reports every setting that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.Topics.RestaurantApprovalRequest == "" || c.Topics.RestaurantApprovalResponse == "" {
		errs = append(errs, errors.New("topics.restaurant_approval_request and topics.restaurant_approval_response are required"))
	}
	if c.Topics.RestaurantApprovalRequest == c.Topics.RestaurantApprovalResponse && c.Topics.RestaurantApprovalRequest != "" {
		errs = append(errs, errors.New("the request and response topics must differ"))
	}
	errs = append(errs, c.Consumer.Validate("consumer"))
	return errors.Join(append(errs,
		c.Log.Validate(), c.HTTP.Validate(), c.Postgres.Validate(), c.Kafka.Validate(), c.Outbox.Relay.Validate())...)
}
