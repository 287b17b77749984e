// Package messaging is order-messaging: the Kafka publishers the outbox
// relays send order-service's requests with (OrderPaymentEventKafkaPublisher,
// OrderApprovalEventKafkaPublisher) and the listeners that hand the other
// services' replies to the application (PaymentResponseKafkaListener,
// RestaurantApprovalResponseKafkaListener), with the mappers between the
// contract messages and the application's types.
package messaging
