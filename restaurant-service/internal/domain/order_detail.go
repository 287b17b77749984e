package domain

import (
	"errors"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
)

// OrderLine is one line of an order: a product and how many of it.
type OrderLine struct {
	ProductID kernel.ProductID
	Quantity  int
}

// OrderDetail is the order a restaurant is asked to approve, as order-service
// described it: its status, the total the customer paid and the lines.
type OrderDetail struct {
	orderID kernel.OrderID
	status  kernel.OrderStatus
	total   kernel.Money
	lines   []OrderLine
}

// ErrInvalidOrderDetail matches, with errors.Is, the error NewOrderDetail
// returns for a request that describes no acceptable order. The error's text
// is the reason alone, worded as a failure message: such a request can never
// succeed, so it is rejected with that reason (RejectInvalidOrder), not
// retried or parked.
var ErrInvalidOrderDetail = errors.New("invalid order detail")

// invalidOrderDetail is the reason NewOrderDetail refused an order.
type invalidOrderDetail string

func (e invalidOrderDetail) Error() string { return string(e) }

// Is makes every reason match ErrInvalidOrderDetail.
func (e invalidOrderDetail) Is(target error) bool { return target == ErrInvalidOrderDetail }

func invalidOrder(format string, args ...any) error {
	return invalidOrderDetail(fmt.Sprintf(format, args...))
}

// NewOrderDetail returns the order to approve. It refuses what no order can
// be (no id, no lines, a line without product or with a quantity below one, a
// negative total); whether the order is acceptable is the domain service's
// decision, not the constructor's, so a status other than PAID is accepted
// here and rejected there.
func NewOrderDetail(orderID kernel.OrderID, status kernel.OrderStatus, total kernel.Money, lines []OrderLine) (OrderDetail, error) {
	if orderID.IsZero() {
		return OrderDetail{}, invalidOrder("Order id is missing!")
	}
	if total.IsNegative() {
		return OrderDetail{}, invalidOrder("Price total %s is negative for order: %s", total, orderID)
	}
	if len(lines) == 0 {
		return OrderDetail{}, invalidOrder("No products in order: %s", orderID)
	}
	for i, line := range lines {
		if line.ProductID.IsZero() {
			return OrderDetail{}, invalidOrder("Product id is missing on line %d of order: %s", i+1, orderID)
		}
		if line.Quantity < 1 {
			return OrderDetail{}, invalidOrder("Quantity %d of product with id: %s is not positive in order: %s", line.Quantity, line.ProductID, orderID)
		}
	}
	return OrderDetail{orderID: orderID, status: status, total: total, lines: append([]OrderLine(nil), lines...)}, nil
}

// OrderID identifies the order.
func (o OrderDetail) OrderID() kernel.OrderID { return o.orderID }

// Status is the order's state when it was sent for approval.
func (o OrderDetail) Status() kernel.OrderStatus { return o.status }

// Total is the price the customer paid.
func (o OrderDetail) Total() kernel.Money { return o.total }

// Lines returns a copy of the ordered products with their quantities.
func (o OrderDetail) Lines() []OrderLine { return append([]OrderLine(nil), o.lines...) }

// ProductIDs returns the distinct products the order names, in order of first
// appearance: what a repository must load from the catalog.
func (o OrderDetail) ProductIDs() []kernel.ProductID {
	seen := make(map[kernel.ProductID]bool, len(o.lines))
	ids := make([]kernel.ProductID, 0, len(o.lines))
	for _, line := range o.lines {
		if !seen[line.ProductID] {
			seen[line.ProductID] = true
			ids = append(ids, line.ProductID)
		}
	}
	return ids
}
