// Package domain is order-domain-core: the Order aggregate, the entities and
// value objects it is built from, the events it produces and the
// OrderDomainService that applies the rules spanning an order and a
// restaurant. It knows nothing of databases, brokers or HTTP.
package domain
