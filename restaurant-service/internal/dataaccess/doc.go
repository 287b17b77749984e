// Package dataaccess is restaurant-dataaccess: gorm rows of the restaurant
// schema, their mappers to and from the domain, and the repositories that
// implement the application's output ports. Every query goes through
// postgres.Conn, so it joins the transaction the application opened.
package dataaccess
