package domain

import (
	"errors"
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
	// ErrOrderApprovalState: the approval is not in a state that allows the
	// change asked for.
	ErrOrderApprovalState = errors.New("order approval state")
	// ErrInvalidOrderApproval: stored data cannot describe an approval.
	ErrInvalidOrderApproval = errors.New("invalid order approval")
	// ErrInvalidRestaurant: stored data cannot describe a restaurant.
	ErrInvalidRestaurant = errors.New("invalid restaurant")
	// ErrInvalidProduct: stored data cannot describe a catalog product.
	ErrInvalidProduct = errors.New("invalid product")
)
