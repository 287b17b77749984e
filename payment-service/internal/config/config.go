// Package config is payment-service's typed configuration: the shared
// infrastructure sections plus the service's topics, consumer group and
// outbox settings. Defaults live in config.yaml at the module root; every key
// can be overridden by an environment variable PAYMENT_SERVICE_<SECTION>_<KEY>.
package config

import (
	"errors"
	"fmt"

	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/logging"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
)

// EnvPrefix prefixes the environment variables that override config.yaml.
const EnvPrefix = "PAYMENT_SERVICE"

// Config is everything payment-service reads at start.
type Config struct {
	Log      logging.Config       `mapstructure:"log"`
	HTTP     httpserver.Config    `mapstructure:"http"`
	Postgres postgres.Config      `mapstructure:"postgres"`
	Kafka    kafka.Config         `mapstructure:"kafka"`
	Topics   Topics               `mapstructure:"topics"`
	Consumer kafka.ConsumerConfig `mapstructure:"consumer"`
	Outbox   Outbox               `mapstructure:"outbox"`
}

// Topics names the topics the service reads and writes, and how they are
// created when missing.
type Topics struct {
	// PaymentRequest is read: requests from order-service.
	PaymentRequest string `mapstructure:"payment_request"`
	// PaymentResponse is written: the answers.
	PaymentResponse   string `mapstructure:"payment_response"`
	Partitions        int32  `mapstructure:"partitions"`
	ReplicationFactor int16  `mapstructure:"replication_factor"`
}

// Outbox tunes the order outbox's relay and cleaner.
type Outbox struct {
	Relay   outbox.RelayConfig   `mapstructure:"relay"`
	Cleaner outbox.CleanerConfig `mapstructure:"cleaner"`
	// Archive moves published rows to order_outbox_archive instead of
	// deleting them.
	Archive bool `mapstructure:"archive"`
}

// Logging returns the logger's settings, for lifecycle.Main.
func (c Config) Logging() logging.Config { return c.Log }

// Validate reports every setting that cannot work.
func (c Config) Validate() error {
	errs := []error{c.Log.Validate(), c.HTTP.Validate(), c.Postgres.Validate(), c.Kafka.Validate(), c.Outbox.Relay.Validate()}
	if c.Topics.PaymentRequest == "" || c.Topics.PaymentResponse == "" {
		errs = append(errs, errors.New("topics.payment_request and topics.payment_response must be set"))
	}
	if c.Topics.PaymentRequest == c.Topics.PaymentResponse {
		errs = append(errs, fmt.Errorf("topics: requests and responses cannot share topic %q", c.Topics.PaymentRequest))
	}
	if c.Topics.Partitions < 0 || c.Topics.ReplicationFactor < 0 {
		errs = append(errs, errors.New("topics: partitions and replication_factor must not be negative"))
	}
	errs = append(errs, c.Consumer.Validate("consumer"))
	return errors.Join(errs...)
}
