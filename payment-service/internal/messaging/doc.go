// Package messaging is payment-service's Kafka adapter: the listener that
// turns payment requests into calls of the application's input port, and the
// publisher that sends the order outbox's answers as payment responses. The
// wire format is common/contract; mappers keep it apart from
// the application's types.
package messaging
