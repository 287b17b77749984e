// Package messaging is restaurant-messaging: the Kafka side of
// restaurant-service. RestaurantApprovalRequestKafkaListener turns approval
// requests into calls of the application's input port;
// RestaurantApprovalEventsKafkaPublisher publishes order_outbox rows as
// approval responses. The wire format is the shared contract package.
package messaging
