package domain

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// OrderApprovalEvent is what the restaurant decided about an order: an
// OrderApprovedEvent or an OrderRejectedEvent. The application turns it into
// the order_outbox answer.
type OrderApprovalEvent interface {
	kernel.DomainEvent
	// OrderApproval is the approval to store.
	OrderApproval() *OrderApproval
}

// orderApprovalEvent is what every OrderApprovalEvent carries: the approval
// and when it was decided on.
type orderApprovalEvent struct {
	approval  *OrderApproval
	createdAt time.Time
}

// OrderApproval is the approval to store.
func (e orderApprovalEvent) OrderApproval() *OrderApproval { return e.approval }

// CreatedAt is when the decision was taken.
func (e orderApprovalEvent) CreatedAt() time.Time { return e.createdAt }

var (
	_ OrderApprovalEvent = OrderApprovedEvent{}
	_ OrderApprovalEvent = OrderRejectedEvent{}
)

// newOrderApprovalEvent wraps approval in the event matching its status.
func newOrderApprovalEvent(approval *OrderApproval, at time.Time) OrderApprovalEvent {
	base := orderApprovalEvent{approval: approval, createdAt: kernel.EventTime(at)}
	if approval.Status() == kernel.OrderApprovalStatusApproved {
		return OrderApprovedEvent{base}
	}
	return OrderRejectedEvent{base}
}
