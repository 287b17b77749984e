package domain

import (
	"slices"

	"github.com/food-ordering-system/common/kernel"
)

// Order is the aggregate root of order-service: what a customer ordered from
// a restaurant, for how much, and where the order stands in the saga.
//
// A new order is built with NewOrder, confirmed against the restaurant's
// catalog, validated and initialized by OrderDomainService; from then on it
// changes only through Pay, Approve, InitCancel, Cancel and FailRefund.
type Order struct {
	id              kernel.OrderID
	customerID      kernel.CustomerID
	restaurantID    kernel.RestaurantID
	deliveryAddress StreetAddress
	price           kernel.Money
	items           []OrderItem
	trackingID      kernel.TrackingID
	status          kernel.OrderStatus
	failureMessages []string
	version         int
}

// NewOrder returns an order as the client asked for it: no id, no tracking
// id, no status yet. It checks what it can without the restaurant: who orders
// from where, the delivery address and that there is at least one item. The
// prices are checked when OrderDomainService initiates the order.
func NewOrder(customerID kernel.CustomerID, restaurantID kernel.RestaurantID, address StreetAddress, price kernel.Money, items []OrderItem) (*Order, error) {
	switch {
	case customerID.IsZero():
		return nil, kernel.Invalid(ErrInvalidID, "Order needs a customer id!")
	case restaurantID.IsZero():
		return nil, kernel.Invalid(ErrInvalidID, "Order needs a restaurant id!")
	case address == StreetAddress{}:
		return nil, kernel.Invalid(ErrInvalidStreetAddress, "Order needs a delivery address!")
	case len(items) == 0:
		return nil, kernel.Invalid(ErrInvalidOrderItems, "Order needs at least one item!")
	}
	return &Order{
		customerID:      customerID,
		restaurantID:    restaurantID,
		deliveryAddress: address,
		price:           price,
		items:           slices.Clone(items),
	}, nil
}

// UnmarshalOrderFromDatabase rebuilds a stored order. It checks what the
// database cannot: that the ids are set, that the status is one the saga
// knows, and what NewOrder checks; version is the optimistic-locking counter
// of the stored row. A stored order that fails is an internal error.
func UnmarshalOrderFromDatabase(id kernel.OrderID, customerID kernel.CustomerID, restaurantID kernel.RestaurantID,
	address StreetAddress, price kernel.Money, items []OrderItem, trackingID kernel.TrackingID,
	status kernel.OrderStatus, failureMessages []string, version int) (*Order, error) {
	if id.IsZero() || trackingID.IsZero() {
		return nil, kernel.Internal(ErrInvalidID, "stored order %s with tracking id %s lacks an id", id, trackingID)
	}
	if !status.Valid() {
		return nil, kernel.Internal(ErrInvalidOrder, "stored order %s has unknown status %q", id, status)
	}
	o, err := NewOrder(customerID, restaurantID, address, price, items)
	if err != nil {
		return nil, kernel.Internal(err, "stored order %s is not valid", id)
	}
	o.id = id
	o.trackingID = trackingID
	o.status = status
	o.failureMessages = slices.Clone(failureMessages)
	o.version = version
	return o, nil
}

// ID returns the order's id; it is zero until the order is initialized.
func (o *Order) ID() kernel.OrderID { return o.id }

// CustomerID returns who ordered.
func (o *Order) CustomerID() kernel.CustomerID { return o.customerID }

// RestaurantID returns the restaurant ordered from.
func (o *Order) RestaurantID() kernel.RestaurantID { return o.restaurantID }

// DeliveryAddress returns where the order goes.
func (o *Order) DeliveryAddress() StreetAddress { return o.deliveryAddress }

// Price returns the total price.
func (o *Order) Price() kernel.Money { return o.price }

// Items returns a copy of the order's lines.
func (o *Order) Items() []OrderItem { return slices.Clone(o.items) }

// TrackingID returns the id the client follows the order with.
func (o *Order) TrackingID() kernel.TrackingID { return o.trackingID }

// Status returns where the order stands.
func (o *Order) Status() kernel.OrderStatus { return o.status }

// FailureMessages returns a copy of the reasons the order was cancelled.
func (o *Order) FailureMessages() []string { return slices.Clone(o.failureMessages) }

// Version returns the optimistic-locking counter the order was loaded with.
func (o *Order) Version() int { return o.version }

// confirmProducts replaces each item's product by the catalog's entry of the
// same id, so that its name and price are the restaurant's. Products missing
// from the catalog keep no price and fail validation.
func (o *Order) confirmProducts(r Restaurant) {
	for i := range o.items {
		if catalog, ok := r.product(o.items[i].product.id); ok {
			o.items[i].product = o.items[i].product.confirmedBy(catalog)
		}
	}
}

// Validate checks a new order: it was not initialized before, its total is
// positive and equals the sum of its items, and every item is priced as its
// product.
func (o *Order) Validate() error {
	if err := o.validateInitialOrder(); err != nil {
		return err
	}
	if err := o.validateTotalPrice(); err != nil {
		return err
	}
	return o.validateItems()
}

// Initialize gives a new order its id, its tracking id and the PENDING status,
// and numbers its items. An order is initialized only once.
func (o *Order) Initialize() error {
	if err := o.validateInitialOrder(); err != nil {
		return err
	}
	o.id = kernel.NewID[kernel.OrderID]()
	o.trackingID = kernel.NewID[kernel.TrackingID]()
	o.status = kernel.OrderStatusPending
	for i := range o.items {
		o.items[i].id = OrderItemID(i + 1)
	}
	return nil
}

func (o *Order) validateInitialOrder() error {
	if o.status != "" || !o.id.IsZero() {
		return kernel.Invalid(ErrOrderState, "Order is not in correct state for initialization!")
	}
	return nil
}

func (o *Order) validateTotalPrice() error {
	if !o.price.IsGreaterThanZero() {
		return kernel.Invalid(ErrInvalidOrderPrice, "Total price must be greater than zero!")
	}
	return nil
}

func (o *Order) validateItems() error {
	total := kernel.ZeroMoney
	for _, item := range o.items {
		if err := item.validatePrice(); err != nil {
			return err
		}
		total = total.Add(item.subTotal)
	}
	if !o.price.Equal(total) {
		return kernel.Invalid(ErrInvalidOrderPrice, "Total price: %s is not equal to Order items total: %s!", o.price, total)
	}
	return nil
}

// Pay records the payment: PENDING → PAID.
func (o *Order) Pay() error {
	if o.status != kernel.OrderStatusPending {
		return stateError("pay")
	}
	o.status = kernel.OrderStatusPaid
	return nil
}

// Approve records the restaurant's approval: PAID → APPROVED.
func (o *Order) Approve() error {
	if o.status != kernel.OrderStatusPaid {
		return stateError("approve")
	}
	o.status = kernel.OrderStatusApproved
	return nil
}

// InitCancel starts cancelling an order whose payment may have been taken:
// PAID → CANCELLING when the restaurant refused it or never answered, and
// PENDING → CANCELLING when payment-service never answered (the payment may
// have happened without the answer arriving). It stays CANCELLING until
// payment-service confirms the money is back.
func (o *Order) InitCancel(failureMessages []string) error {
	if o.status != kernel.OrderStatusPaid && o.status != kernel.OrderStatusPending {
		return stateError("initCancel")
	}
	o.status = kernel.OrderStatusCancelling
	o.addFailureMessages(failureMessages)
	return nil
}

// Cancel ends the order unsuccessfully: PENDING (payment failed) or
// CANCELLING (payment refunded) → CANCELLED.
func (o *Order) Cancel(failureMessages []string) error {
	if o.status != kernel.OrderStatusPending && o.status != kernel.OrderStatusCancelling {
		return stateError("cancel")
	}
	o.status = kernel.OrderStatusCancelled
	o.addFailureMessages(failureMessages)
	return nil
}

// FailRefund records that the refund of a CANCELLING order was refused. The order stays CANCELLING, not CANCELLED: the customer's
// money may still be held, and only an operator can close the case.
func (o *Order) FailRefund(failureMessages []string) error {
	if o.status != kernel.OrderStatusCancelling {
		return stateError("failRefund")
	}
	o.addFailureMessages(failureMessages)
	return nil
}

// RefuseApproval checks that a restaurant's approval comes too late: the
// order is CANCELLING or CANCELLED, so it cannot be approved any more, and
// the restaurant must be told of the cancellation instead.
func (o *Order) RefuseApproval() error {
	if o.status != kernel.OrderStatusCancelling && o.status != kernel.OrderStatusCancelled {
		return stateError("refuseApproval")
	}
	return nil
}

// addFailureMessages appends the non-empty messages to those already there.
func (o *Order) addFailureMessages(messages []string) {
	for _, m := range messages {
		if m != "" {
			o.failureMessages = append(o.failureMessages, m)
		}
	}
}

func stateError(operation string) error {
	return kernel.Invalid(ErrOrderState, "Order is not in correct state for %s operation!", operation)
}
