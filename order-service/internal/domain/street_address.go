package domain

// StreetAddress is where an order is delivered. It is a value: two addresses
// with the same fields are the same address.
type StreetAddress struct {
	Street     string
	PostalCode string
	City       string
}
