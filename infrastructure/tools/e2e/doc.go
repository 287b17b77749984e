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
// `go test -short`. A System can also crash a service (Kill, a SIGKILL) and
// bring it back (Restart), and tell from the broker whether any record is
// still on its way (Backlog): the crash test proves with them that nothing
// is lost and nothing is done twice.
package e2e
