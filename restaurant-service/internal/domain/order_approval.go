package domain

import "github.com/food-ordering-system/common/kernel"

// OrderApproval is a restaurant's answer to one order: APPROVED, or REJECTED
// with the reasons. There is at most one per order.
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

// Status is APPROVED or REJECTED.
func (a *OrderApproval) Status() kernel.OrderApprovalStatus { return a.status }

// FailureMessages returns a copy of the reasons of a rejection; it is empty
// for an approval.
func (a *OrderApproval) FailureMessages() []string { return append([]string{}, a.failureMessages...) }
