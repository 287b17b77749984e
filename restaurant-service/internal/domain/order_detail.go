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

// ErrInvalidOrderDetail is returned when an approval request cannot describe
// an order at all. Such a request can never be answered and is not retried.
var ErrInvalidOrderDetail = errors.New("invalid order detail")

// NewOrderDetail returns the order to approve. It refuses what no order can
// be (no id, no lines, a line without product or with a quantity below one, a
// negative total); whether the order is acceptable is the domain service's
// decision, not the constructor's, so a status other than PAID is accepted
// here and rejected there.
func NewOrderDetail(orderID kernel.OrderID, status kernel.OrderStatus, total kernel.Money, lines []OrderLine) (OrderDetail, error) {
	if orderID.IsZero() {
		return OrderDetail{}, fmt.Errorf("%w: the order id is missing", ErrInvalidOrderDetail)
	}
	if total.IsNegative() {
		return OrderDetail{}, fmt.Errorf("%w: order %s has the negative total %s", ErrInvalidOrderDetail, orderID, total)
	}
	if len(lines) == 0 {
		return OrderDetail{}, fmt.Errorf("%w: order %s has no products", ErrInvalidOrderDetail, orderID)
	}
	for i, line := range lines {
		if line.ProductID.IsZero() {
			return OrderDetail{}, fmt.Errorf("%w: order %s line %d has no product id", ErrInvalidOrderDetail, orderID, i+1)
		}
		if line.Quantity < 1 {
			return OrderDetail{}, fmt.Errorf("%w: order %s orders product %s %d times", ErrInvalidOrderDetail, orderID, line.ProductID, line.Quantity)
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
