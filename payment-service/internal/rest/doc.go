// Package rest is payment-service's HTTP adapter: the customer credit query
// on echo. Errors are returned as kernel errors; the shared error handler of
// infrastructure/httpserver turns them into JSON with the right status.
package rest
