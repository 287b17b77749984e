// Package application is payment-application-service: the use cases of
// payment-service around the domain. It decides on payment requests and
// their cancellations (PaymentRequestHelper, which is the input port
// PaymentRequestMessageListener the Kafka listener calls),
// writes the answers to the order outbox (OrderOutboxHelper), publishes them
// (OrderOutboxScheduler), clears published rows (OrderOutboxCleanerScheduler)
// and shows a customer's credit (CustomerCreditQuery, implemented by
// CustomerCreditQueryHandler).
//
// It declares the ports the adapters implement (ports.go): every use case is
// one transaction through the Transactor, and it never imports gorm, sarama
// or echo.
package application
