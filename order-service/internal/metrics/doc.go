// Package metrics holds order-service's own Prometheus series, the order
// saga's: Sagas implements the application's SagaMetrics port, and
// StuckSagaCounter is what it asks for the sagas that wait too long. The
// registry and the series every service shares are in
// github.com/food-ordering-system/infrastructure/metrics.
package metrics
