package domain

import "github.com/food-ordering-system/common/kernel"

// OrderDetail is the order a restaurant is asked to approve, as order-service
// described it: its status, the total the customer paid and the lines.
type OrderDetail struct {
	orderID kernel.OrderID
	status  kernel.OrderStatus
	total   kernel.Money
	lines   []OrderLine
}

// NewOrderDetail returns the order to approve. It refuses what no order can
// be (no id, no lines, a line without product or with a quantity below one, a
// negative total) with an error matching ErrInvalidOrderDetail whose user
// message (kernel.ErrorMessageOf) is the reason. Whether the order is
// acceptable is the domain service's decision, not the constructor's, so a
// status other than PAID is accepted here and rejected there.
func NewOrderDetail(orderID kernel.OrderID, status kernel.OrderStatus, total kernel.Money, lines []OrderLine) (OrderDetail, error) {
	if orderID.IsZero() {
		return OrderDetail{}, kernel.Invalid(ErrInvalidOrderDetail, "Order id is missing!")
	}
	if total.IsNegative() {
		return OrderDetail{}, kernel.Invalid(ErrInvalidOrderDetail, "Price total %s is negative for order: %s", total, orderID)
	}
	if len(lines) == 0 {
		return OrderDetail{}, kernel.Invalid(ErrInvalidOrderDetail, "No products in order: %s", orderID)
	}
	for i, line := range lines {
		if line.ProductID().IsZero() {
			return OrderDetail{}, kernel.Invalid(ErrInvalidOrderDetail, "Product id is missing on line %d of order: %s", i+1, orderID)
		}
		if line.Quantity() < 1 {
			return OrderDetail{}, kernel.Invalid(ErrInvalidOrderDetail, "Quantity %d of product with id: %s is not positive in order: %s", line.Quantity(), line.ProductID(), orderID)
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
		if !seen[line.ProductID()] {
			seen[line.ProductID()] = true
			ids = append(ids, line.ProductID())
		}
	}
	return ids
}
