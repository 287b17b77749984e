// Package rest is order-application's HTTP side: the echo handlers of
// POST /orders and GET /orders/{trackingId}, the request and response bodies,
// and GET /openapi.yaml. Errors are returned to the shared httpserver error
// handler, which writes them as {"code", "message"}.
package rest
