package dataaccess

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/payment-service/internal/application"
)

// wrapReadError reports a missing row as application.ErrNotFound and gives
// other errors their kernel code.
func wrapReadError(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s: %w", what, application.ErrNotFound)
	}
	return postgres.WrapError(err, what)
}

// wrapWriteError reports a unique-index violation as application.ErrDuplicate
// and gives other errors their kernel code.
func wrapWriteError(err error, what string) error {
	if postgres.IsUniqueViolation(err) {
		return fmt.Errorf("%s: %w: %w", what, application.ErrDuplicate, err)
	}
	return postgres.WrapError(err, what)
}
