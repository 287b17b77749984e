// Package config is payment-service's typed configuration: the shared
// infrastructure sections plus the service's topics, consumer group and
// outbox settings. Defaults live in config.yaml at the module root; every key
// can be overridden by an environment variable PAYMENT_SERVICE_<SECTION>_<KEY>.
package config
