package domain

import (
	"errors"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
)

// Sentinels for the rules the domain's types enforce; match them with
// errors.Is. The error that carries one is a *kernel.Error whose message says
// what was wrong, with ids: kernel.ECodeInvalid when a request broke the rule,
// kernel.ECodeInternal when stored data did, since the database is then at
// fault and the details are not for users.
var (
	// ErrInvalidOrderDetail: a request describes no acceptable order. The
	// error's user message is the reason, worded as a failure message: such
	// a request can never succeed, so it is rejected with that reason
	// (RestaurantDomainService.RejectInvalidOrder), not retried or parked.
	ErrInvalidOrderDetail = errors.New("invalid order detail")
	// ErrInvalidOrderApproval: stored data cannot describe an approval.
	ErrInvalidOrderApproval = errors.New("invalid order approval")
	// ErrInvalidRestaurant: stored data cannot describe a restaurant.
	ErrInvalidRestaurant = errors.New("invalid restaurant")
	// ErrInvalidProduct: stored data cannot describe a catalog product.
	ErrInvalidProduct = errors.New("invalid product")
)

// brokenRule is the error of a request that breaks rule; message is what the
// user (or the saga, in a rejection) is told.
func brokenRule(rule error, format string, args ...any) error {
	return kernel.WrapError(kernel.ECodeInvalid, rule, fmt.Sprintf(format, args...))
}

// corruptRow is the error of stored data that breaks rule: a fault of the
// system, so kernel.ECodeInternal keeps the message out of users' sight.
func corruptRow(rule error, format string, args ...any) error {
	return kernel.WrapError(kernel.ECodeInternal, rule, fmt.Sprintf(format, args...))
}
