// Package rest is order-application's HTTP side: the echo handlers of
// POST /orders and GET /orders/{trackingId} (OrderHandler), those of the
// saga's read side, GET /orders/{trackingId}/timeline and, on the admin
// listener, GET /sagas/stuck (SagaHandler), the request and response bodies, and GET /openapi.yaml.
// Errors are returned to the shared httpserver error handler, which writes
// them as {"code", "message"}.
package rest
