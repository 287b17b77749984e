// Package domain is restaurant-domain-core: the restaurant with its catalog,
// the paid order it is asked to approve, the approval it gives and the domain
// service that decides between APPROVED and REJECTED.
//
// It knows nothing about databases, brokers or HTTP; it imports only the
// standard library, the shared kernel and the decimal library.
package domain
