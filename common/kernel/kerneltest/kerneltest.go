// Package kerneltest holds the two fixtures helpers every service's tests
// share: amounts written as text and values whose construction cannot fail.
// It is for tests only.
package kerneltest

import "github.com/food-ordering-system/common/kernel"

// Money is the amount s, which the test knows to be valid.
func Money(s string) kernel.Money { return kernel.MustParseMoney(s) }

// Must returns v, for fixtures whose construction cannot fail; it panics on
// err, so it also serves package-level fixtures.
func Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
