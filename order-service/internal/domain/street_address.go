package domain

import "github.com/food-ordering-system/common/kernel"

// StreetAddress is where an order is delivered. It is a value: two addresses
// with the same fields are the same address.
type StreetAddress struct {
	street     string
	postalCode string
	city       string
}

// NewStreetAddress returns the address; none of its parts may be empty.
func NewStreetAddress(street, postalCode, city string) (StreetAddress, error) {
	if street == "" || postalCode == "" || city == "" {
		return StreetAddress{}, kernel.Invalid(ErrInvalidStreetAddress, "Street address needs a street, a postal code and a city!")
	}
	return StreetAddress{street: street, postalCode: postalCode, city: city}, nil
}

// Street returns the street and house number.
func (a StreetAddress) Street() string { return a.street }

// PostalCode returns the postal code.
func (a StreetAddress) PostalCode() string { return a.postalCode }

// City returns the city.
func (a StreetAddress) City() string { return a.city }

// UnmarshalStreetAddressFromDatabase rebuilds a stored address; one with an
// empty part is an internal error.
func UnmarshalStreetAddressFromDatabase(street, postalCode, city string) (StreetAddress, error) {
	a, err := NewStreetAddress(street, postalCode, city)
	if err != nil {
		return StreetAddress{}, kernel.Internal(err, "stored street address is not valid")
	}
	return a, nil
}
