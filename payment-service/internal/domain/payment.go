package domain

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// Payment is the money taken from a customer's credit for one order. A new
// payment has neither id nor status until PaymentDomainService decides on it.
type Payment struct {
	id         kernel.PaymentID
	orderID    kernel.OrderID
	customerID kernel.CustomerID
	price      kernel.Money
	status     kernel.PaymentStatus
	createdAt  time.Time
}

// NewPayment returns the payment of price that an order asks of a customer.
// The price is not checked here: a non-positive price is a reason for the
// payment to fail, which the domain service reports to the order.
func NewPayment(orderID kernel.OrderID, customerID kernel.CustomerID, price kernel.Money) (*Payment, error) {
	if orderID.IsZero() {
		return nil, kernel.Invalid(ErrInvalidOrderID, "Payment of customer: %s needs an order id!", customerID)
	}
	if customerID.IsZero() {
		return nil, kernel.Invalid(ErrInvalidCustomerID, "Payment for order: %s needs a customer id!", orderID)
	}
	return &Payment{orderID: orderID, customerID: customerID, price: price}, nil
}

// UnmarshalPaymentFromDatabase rebuilds a stored payment.
func UnmarshalPaymentFromDatabase(id kernel.PaymentID, orderID kernel.OrderID, customerID kernel.CustomerID,
	price kernel.Money, status kernel.PaymentStatus, createdAt time.Time) (*Payment, error) {
	if id.IsZero() {
		return nil, kernel.Internal(ErrInvalidPayment, "stored payment of order %s has no id", orderID)
	}
	if orderID.IsZero() || customerID.IsZero() {
		return nil, kernel.Internal(ErrInvalidPayment, "stored payment %s lacks its order or customer id", id)
	}
	if !status.Valid() {
		return nil, kernel.Internal(ErrInvalidPayment, "stored payment %s has unknown status %q", id, status)
	}
	p := &Payment{orderID: orderID, customerID: customerID, price: price}
	p.id, p.status, p.createdAt = id, status, createdAt
	return p, nil
}

// ID identifies the payment; it is zero until the payment is initiated.
func (p *Payment) ID() kernel.PaymentID { return p.id }

// OrderID is the order the payment is for.
func (p *Payment) OrderID() kernel.OrderID { return p.orderID }

// CustomerID is the customer whose credit pays.
func (p *Payment) CustomerID() kernel.CustomerID { return p.customerID }

// Price is the amount taken.
func (p *Payment) Price() kernel.Money { return p.price }

// Status is the outcome; empty until the payment is initiated.
func (p *Payment) Status() kernel.PaymentStatus { return p.status }

// CreatedAt is when the payment was initiated.
func (p *Payment) CreatedAt() time.Time { return p.createdAt }

func (p *Payment) initialize(now time.Time) {
	p.id = kernel.NewID[kernel.PaymentID]()
	p.createdAt = now
}

// validatePrice returns the failure message of a payment whose price is not
// positive, or "" when the price is fine.
func (p *Payment) validatePrice() string {
	if !p.price.IsGreaterThanZero() {
		return "Total price must be greater than zero!"
	}
	return ""
}
