// Package domain is payment-service's domain core: a Payment taken for an
// order, the CreditEntry that holds a customer's balance, the CreditHistory
// that justifies it, and the PaymentDomainService that decides whether a
// payment completes, fails or is cancelled. It knows nothing of databases,
// brokers or HTTP.
package domain
