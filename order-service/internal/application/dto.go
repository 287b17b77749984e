package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// OrderItemCommand is one line of a CreateOrderCommand.
type OrderItemCommand struct {
	ProductID kernel.ProductID
	Quantity  int
	Price     kernel.Money
	SubTotal  kernel.Money
}

// OrderAddress is the delivery address of a CreateOrderCommand.
type OrderAddress struct {
	Street     string
	PostalCode string
	City       string
}

// CreateOrderResponse tells the client how to follow the new order.
type CreateOrderResponse struct {
	OrderTrackingID kernel.TrackingID
	OrderStatus     kernel.OrderStatus
	Message         string
	// Replayed is true when the order was created by an earlier command
	// with the same idempotency key, and this answer repeats that one's.
	Replayed bool
}

// TrackOrderQuery asks where an order stands.
type TrackOrderQuery struct {
	OrderTrackingID kernel.TrackingID
}

// TrackOrderResponse is where an order stands.
type TrackOrderResponse struct {
	OrderID         kernel.OrderID
	OrderTrackingID kernel.TrackingID
	OrderStatus     kernel.OrderStatus
	FailureMessages []string
}

// PaymentResponse is payment-service's answer to a payment request.
type PaymentResponse struct {
	ID              kernel.MessageID
	SagaID          kernel.SagaID
	OrderID         kernel.OrderID
	PaymentID       kernel.PaymentID
	CustomerID      kernel.CustomerID
	Price           kernel.Money
	CreatedAt       time.Time
	PaymentStatus   kernel.PaymentStatus
	FailureMessages []string
}

// RestaurantApprovalResponse is the restaurant's answer to an approval
// request.
type RestaurantApprovalResponse struct {
	ID                  kernel.MessageID
	SagaID              kernel.SagaID
	OrderID             kernel.OrderID
	RestaurantID        kernel.RestaurantID
	CreatedAt           time.Time
	OrderApprovalStatus kernel.OrderApprovalStatus
	FailureMessages     []string
}

// OrderTimelineQuery asks for the steps an order's saga went through.
type OrderTimelineQuery struct {
	OrderTrackingID kernel.TrackingID
}

// OrderTimelineResponse is an order's saga step by step.
type OrderTimelineResponse struct {
	OrderID         kernel.OrderID
	OrderTrackingID kernel.TrackingID
	OrderStatus     kernel.OrderStatus
	// Complete is false when the cleaner deleted the saga's requests after
	// it ended (outbox.archive keeps them): the steps between the first and
	// the last are then unknown.
	Complete bool
	// Steps are in the order they happened, each caused by the one before.
	Steps []TimelineEntry
}

// The steps of a saga's timeline. A saga goes through some of them, in this
// order.
const (
	StepCreated           = "created"
	StepPaymentRequested  = "payment_requested"
	StepPaid              = "paid"
	StepPaymentFailed     = "payment_failed"
	StepPaymentTimedOut   = "payment_timed_out"
	StepApprovalRequested = "approval_requested"
	StepApproved          = "approved"
	StepRejected          = "rejected"
	StepApprovalTimedOut  = "approval_timed_out"
	StepRefundRequested   = "refund_requested"
	StepRefunded          = "refunded"
	StepRefundFailed      = "refund_failed"
	StepCancelled         = "cancelled"
	// StepRestaurantCancelled is the restaurant told that an order it
	// approved, or might yet approve, was cancelled.
	StepRestaurantCancelled = "restaurant_cancelled"
)

// TimelineEntry is one step of a saga: what happened (one of the Step...
// names), when, and a sentence about it.
type TimelineEntry struct {
	Step   string
	At     time.Time
	Detail string
}

// StuckSagasQuery asks for the sagas that wait too long. Limit bounds the
// answer (DefaultStuckSagasLimit when 0, at most MaxStuckSagasLimit).
type StuckSagasQuery struct {
	Limit int
}

// Bounds of StuckSagasQuery.Limit.
const (
	DefaultStuckSagasLimit = 100
	MaxStuckSagasLimit     = 1000
)

// StuckSagasResponse lists the sagas that wait too long.
type StuckSagasResponse struct {
	// StuckAfter is how old an order still open must be to be listed.
	StuckAfter time.Duration
	// Sagas are oldest first.
	Sagas []StuckSaga
}

// What a stuck saga waits for.
const (
	WaitingForPayment  = "payment"
	WaitingForApproval = "restaurant_approval"
	WaitingForRefund   = "refund"
	// WaitingForOperator: the refund was refused or never confirmed; the
	// saga ended FAILED and only an operator can settle the order.
	WaitingForOperator = "operator"
)

// StuckSaga is an order whose saga waits too long.
type StuckSaga struct {
	OrderID         kernel.OrderID
	OrderTrackingID kernel.TrackingID
	OrderStatus     kernel.OrderStatus
	// CreatedAt is when the order was placed; StatusSince when it entered
	// its current status.
	CreatedAt   time.Time
	StatusSince time.Time
	// WaitingFor is one of the WaitingFor... names.
	WaitingFor string
	// Resends is how many times the request it waits for was sent again.
	Resends         int
	FailureMessages []string
}
