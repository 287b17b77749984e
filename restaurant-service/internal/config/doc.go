// Package config is restaurant-service's typed configuration: the shared
// infrastructure settings plus the service's topics, consumer group and
// outbox timings. main loads it once with infrastructure/config.Load.
package config
