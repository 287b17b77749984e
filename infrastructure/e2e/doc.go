// Package e2e drives the three services from the outside, as a customer and
// an operator would: over their REST APIs.
//
// Client is a small typed client of the three APIs (order-service's orders,
// payment-service's customer credit, restaurant-service's order approvals),
// with polls that follow an order through the saga under a deadline. The
// demo program (cmd/demo) uses it against the services of `make run`.
//
// System starts the three services as real processes, built from their
// modules with `go build`, on a database and Kafka topics of its own, and
// stops them again. The package's tests use it to run every path of the saga
// end to end over the real broker and database; they are skipped under
// `go test -short`.
package e2e
