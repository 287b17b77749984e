package kernel

import "fmt"

// OrderStatus is where an order stands in the saga.
type OrderStatus string

// The order's life: PENDING until paid, PAID until the restaurant answers,
// APPROVED at the end of the happy path; CANCELLING while a refund is on its
// way and CANCELLED at the end of every failure path.
const (
	OrderStatusPending    OrderStatus = "PENDING"
	OrderStatusPaid       OrderStatus = "PAID"
	OrderStatusApproved   OrderStatus = "APPROVED"
	OrderStatusCancelling OrderStatus = "CANCELLING"
	OrderStatusCancelled  OrderStatus = "CANCELLED"
)

// PaymentStatus is the outcome of a payment as payment-service reports it.
type PaymentStatus string

// Payment outcomes.
const (
	PaymentStatusCompleted PaymentStatus = "COMPLETED"
	PaymentStatusCancelled PaymentStatus = "CANCELLED"
	PaymentStatusFailed    PaymentStatus = "FAILED"
)

// PaymentOrderStatus is what order-service asks of payment-service: take the
// money for a PENDING order, or give it back for a CANCELLED one.
type PaymentOrderStatus string

// Payment requests.
const (
	PaymentOrderStatusPending   PaymentOrderStatus = "PENDING"
	PaymentOrderStatusCancelled PaymentOrderStatus = "CANCELLED"
)

// OrderApprovalStatus is the restaurant's answer to an approval request.
type OrderApprovalStatus string

// Restaurant answers. CANCELLED is never an answer: it is what a restaurant
// records of an order cancelled after it was asked to approve it.
const (
	OrderApprovalStatusApproved  OrderApprovalStatus = "APPROVED"
	OrderApprovalStatusRejected  OrderApprovalStatus = "REJECTED"
	OrderApprovalStatusCancelled OrderApprovalStatus = "CANCELLED"
)

// RestaurantOrderStatus is the state of the order a request to a restaurant
// is about: PAID asks the restaurant to approve it; CANCELLED tells the
// restaurant that an order it approved, or may yet approve, was cancelled.
type RestaurantOrderStatus string

// Restaurant request states.
const (
	RestaurantOrderStatusPaid      RestaurantOrderStatus = "PAID"
	RestaurantOrderStatusCancelled RestaurantOrderStatus = "CANCELLED"
)

// Valid reports whether s is one of the declared order statuses.
func (s OrderStatus) Valid() bool {
	return oneOf(s, OrderStatusPending, OrderStatusPaid, OrderStatusApproved, OrderStatusCancelling, OrderStatusCancelled)
}

// Valid reports whether s is one of the declared payment statuses.
func (s PaymentStatus) Valid() bool {
	return oneOf(s, PaymentStatusCompleted, PaymentStatusCancelled, PaymentStatusFailed)
}

// Valid reports whether s is one of the declared payment request statuses.
func (s PaymentOrderStatus) Valid() bool {
	return oneOf(s, PaymentOrderStatusPending, PaymentOrderStatusCancelled)
}

// Valid reports whether s is one of the declared approval statuses.
func (s OrderApprovalStatus) Valid() bool {
	return oneOf(s, OrderApprovalStatusApproved, OrderApprovalStatusRejected, OrderApprovalStatusCancelled)
}

// Valid reports whether s is one of the declared restaurant request statuses.
func (s RestaurantOrderStatus) Valid() bool {
	return oneOf(s, RestaurantOrderStatusPaid, RestaurantOrderStatusCancelled)
}

// ParseStatus converts text read from a row or a message into the status type
// S, refusing values S does not declare.
func ParseStatus[S interface {
	~string
	Valid() bool
}](text string) (S, error) {
	s := S(text)
	if !s.Valid() {
		var zero S
		return zero, fmt.Errorf("unknown %T %q", zero, text)
	}
	return s, nil
}

func oneOf[S comparable](s S, allowed ...S) bool {
	for _, a := range allowed {
		if s == a {
			return true
		}
	}
	return false
}
