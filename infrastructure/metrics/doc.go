// Package metrics is the system's Prometheus side: the one registry of a
// service process and the series that no single adapter package owns.
//
// Each process creates one registry with NewRegistry and passes it to the
// adapters that record (httpserver.Server.ServeMetrics, kafka.NewMetrics,
// NewOutboxMetrics, and order-service's saga series in its own
// internal/metrics). Nothing registers with client_golang's global default
// registry, so every test can build a process, or a part of one, on a
// registry of its own.
//
// Series are named fos_<area>_<what>, their labels are snake_case and
// bounded (a table, a topic, a route, a status; never an id). The values that
// live in the database (the outbox backlog, the stuck sagas) are read when
// Prometheus scrapes, each read bounded by ScrapeTimeout; a read that fails
// leaves its series out of that scrape and is logged by the /metrics handler,
// while every other series is still served.
//
// The application layers never see Prometheus: they report through their
// own small ports (order-service's SagaMetrics, which its metrics.Sagas
// implements) or are observed by decorators (OutboxMetrics.Instrument).
package metrics
