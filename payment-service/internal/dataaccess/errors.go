package dataaccess

import (
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/payment-service/internal/application"
)

// wrapReadError reports a missing row as application.ErrNotFound and gives
// other errors the kernel code the application acts on.
func wrapReadError(err error, what string) error {
	return postgres.WrapReadError(err, what, application.ErrNotFound)
}

// wrapWriteError reports a row a unique index refused as
// application.ErrDuplicate and gives other errors the kernel code the
// application acts on.
func wrapWriteError(err error, what string) error {
	return postgres.WrapWriteError(err, what, application.ErrDuplicate)
}
