// Package dataaccess is order-dataaccess: the gorm rows of order-service's
// schema, the mappers between rows and the domain and application types, and
// the repository adapters of the application's output ports. Every query goes
// through postgres.Conn, so it joins the transaction the application opened
// with the Transactor.
package dataaccess
