// Package dataaccess is payment-service's PostgreSQL adapter: gorm rows,
// their mappers to and from the domain, and the repositories that implement
// the application's output ports. Every query runs through postgres.Conn, so
// it joins the transaction the application opened with the Transactor.
package dataaccess
