// Package config is order-service's typed configuration: the shared
// infrastructure settings and the service's own, read once at start from
// config.yaml and ORDER_SERVICE_* environment variables.
package config
