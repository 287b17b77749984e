package domain

import (
	"fmt"

	"github.com/food-ordering-system/common/kernel"
)

// OrderApproval is a restaurant's answer to one order: APPROVED, or REJECTED
// with the reasons; CANCELLED once order-service said the order was
// cancelled after it asked. There is at most one per order.
type OrderApproval struct {
	id              kernel.OrderApprovalID
	restaurantID    kernel.RestaurantID
	orderID         kernel.OrderID
	status          kernel.OrderApprovalStatus
	failureMessages []string
}

// newOrderApproval decides the status from the failures: none means APPROVED.
func newOrderApproval(restaurantID kernel.RestaurantID, orderID kernel.OrderID, failureMessages []string) *OrderApproval {
	status := kernel.OrderApprovalStatusApproved
	if len(failureMessages) > 0 {
		status = kernel.OrderApprovalStatusRejected
	}
	return &OrderApproval{
		id:              kernel.NewID[kernel.OrderApprovalID](),
		restaurantID:    restaurantID,
		orderID:         orderID,
		status:          status,
		failureMessages: append([]string{}, failureMessages...),
	}
}

// NewCancelledOrderApproval records the cancellation of an order the
// restaurant has not decided on yet: its approval request, should it still
// arrive, is then rejected with this approval's reason.
func NewCancelledOrderApproval(restaurantID kernel.RestaurantID, orderID kernel.OrderID) *OrderApproval {
	return &OrderApproval{
		id:              kernel.NewID[kernel.OrderApprovalID](),
		restaurantID:    restaurantID,
		orderID:         orderID,
		status:          kernel.OrderApprovalStatusCancelled,
		failureMessages: []string{cancelledMessage(orderID)},
	}
}

func cancelledMessage(orderID kernel.OrderID) string {
	return fmt.Sprintf("Order with id: %s was cancelled before the restaurant approved it", orderID)
}

// Cancel records that the order the restaurant approved was cancelled
// afterwards: APPROVED → CANCELLED. A rejected order needs no cancellation,
// and a cancelled one none again; both are ErrOrderApprovalState.
func (a *OrderApproval) Cancel() error {
	if a.status != kernel.OrderApprovalStatusApproved {
		return kernel.Invalid(ErrOrderApprovalState, "Approval %s of order %s is %s and cannot be cancelled", a.id, a.orderID, a.status)
	}
	a.status = kernel.OrderApprovalStatusCancelled
	return nil
}

// Answer is what the approval answers order-service: APPROVED, or REJECTED
// with the reasons; a cancelled order is REJECTED with the reason that it
// was cancelled.
func (a *OrderApproval) Answer() (kernel.OrderApprovalStatus, []string) {
	if a.status == kernel.OrderApprovalStatusCancelled {
		return kernel.OrderApprovalStatusRejected, []string{cancelledMessage(a.orderID)}
	}
	return a.status, a.FailureMessages()
}

// UnmarshalOrderApprovalFromDatabase rebuilds an approval from stored values.
// It checks what a constructor would: ids set, a declared status, reasons
// exactly when rejected; a failure is an error matching
// ErrInvalidOrderApproval.
func UnmarshalOrderApprovalFromDatabase(
	id kernel.OrderApprovalID,
	restaurantID kernel.RestaurantID,
	orderID kernel.OrderID,
	status kernel.OrderApprovalStatus,
	failureMessages []string,
) (*OrderApproval, error) {
	switch {
	case id.IsZero(), restaurantID.IsZero(), orderID.IsZero():
		return nil, kernel.Internal(ErrInvalidOrderApproval, "stored approval %s of restaurant %s and order %s lacks an id", id, restaurantID, orderID)
	case !status.Valid():
		return nil, kernel.Internal(ErrInvalidOrderApproval, "approval %s has the unknown status %q", id, status)
	case status == kernel.OrderApprovalStatusRejected && len(failureMessages) == 0:
		return nil, kernel.Internal(ErrInvalidOrderApproval, "rejection %s gives no reason", id)
	case status == kernel.OrderApprovalStatusApproved && len(failureMessages) > 0:
		return nil, kernel.Internal(ErrInvalidOrderApproval, "approval %s carries failure messages", id)
	}
	return &OrderApproval{
		id:              id,
		restaurantID:    restaurantID,
		orderID:         orderID,
		status:          status,
		failureMessages: append([]string{}, failureMessages...),
	}, nil
}

// ID identifies the approval.
func (a *OrderApproval) ID() kernel.OrderApprovalID { return a.id }

// RestaurantID is the restaurant that was asked.
func (a *OrderApproval) RestaurantID() kernel.RestaurantID { return a.restaurantID }

// OrderID is the order the answer is about.
func (a *OrderApproval) OrderID() kernel.OrderID { return a.orderID }

// Status is APPROVED, REJECTED or CANCELLED.
func (a *OrderApproval) Status() kernel.OrderApprovalStatus { return a.status }

// FailureMessages returns a copy of the reasons of a rejection; it is empty
// for an approval.
func (a *OrderApproval) FailureMessages() []string { return append([]string{}, a.failureMessages...) }
