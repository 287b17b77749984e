// Package application is restaurant-application-service: the use cases of
// restaurant-service around the domain. It answers approval requests
// (RestaurantApprovalRequestHelper, which is the input port
// RestaurantApprovalRequestMessageListener the Kafka listener calls), writes the answers to the order outbox
// (OrderOutboxHelper), publishes them (OrderOutboxScheduler), clears
// published rows (OrderOutboxCleanerScheduler) and answers approval queries.
//
// It declares the ports the adapters implement (ports.go) and never imports
// gorm, sarama or echo.
package application
