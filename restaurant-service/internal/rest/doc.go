// Package rest is restaurant-service's HTTP adapter: echo handlers that drive
// the application's input ports. Errors are returned as kernel errors; the
// shared error handler turns them into {"code", "message"} answers.
package rest
