package application

import (
	"slices"
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/internal/domain"
)

// orderFromCommand builds the new order a command describes; its products are
// known only by id until the domain service confirms them.
func orderFromCommand(cmd CreateOrderCommand) (*domain.Order, error) {
	items := make([]domain.OrderItem, len(cmd.Items))
	for i, it := range cmd.Items {
		item, err := domain.NewOrderItem(it.ProductID, it.Quantity, it.Price, it.SubTotal)
		if err != nil {
			return nil, err
		}
		items[i] = item
	}
	address, err := domain.NewStreetAddress(cmd.Address.Street, cmd.Address.PostalCode, cmd.Address.City)
	if err != nil {
		return nil, err
	}
	return domain.NewOrder(cmd.CustomerID, cmd.RestaurantID, address, cmd.Price, items)
}

func trackOrderResponseFromOrder(order *domain.Order) TrackOrderResponse {
	failures := order.FailureMessages()
	if failures == nil {
		failures = []string{}
	}
	return TrackOrderResponse{
		OrderID:         order.ID(),
		OrderTrackingID: order.TrackingID(),
		OrderStatus:     order.Status(),
		FailureMessages: failures,
	}
}

// paymentRequestPayloadFromEvent is the request to take the price of a created order.
func paymentRequestPayloadFromEvent(event domain.OrderCreatedEvent) OrderPaymentEventPayload {
	return paymentPayloadFromOrder(event.Order(), event.CreatedAt(), kernel.PaymentOrderStatusPending)
}

// refundRequestPayloadFromEvent is the request to give back the price of an order the
// restaurant refused.
func refundRequestPayloadFromEvent(event domain.OrderCancelledEvent) OrderPaymentEventPayload {
	return paymentPayloadFromOrder(event.Order(), event.CreatedAt(), kernel.PaymentOrderStatusCancelled)
}

func paymentPayloadFromOrder(order *domain.Order, at time.Time, status kernel.PaymentOrderStatus) OrderPaymentEventPayload {
	return OrderPaymentEventPayload{
		OrderID:            order.ID(),
		CustomerID:         order.CustomerID(),
		Price:              order.Price(),
		CreatedAt:          at,
		PaymentOrderStatus: status,
	}
}

// restaurantCancellationPayloadFromApproval tells the restaurant of approval's request
// that the order was cancelled; it names the same order, restaurant, price
// and products.
func restaurantCancellationPayloadFromApproval(approval *OrderApprovalOutboxMessage, event domain.OrderCancelledEvent) OrderApprovalEventPayload {
	payload := approval.Payload
	payload.Products = slices.Clone(payload.Products)
	payload.CreatedAt = event.CreatedAt()
	payload.RestaurantOrderStatus = kernel.RestaurantOrderStatusCancelled
	return payload
}

// approvalRequestPayloadFromEvent is the request to approve a paid order.
func approvalRequestPayloadFromEvent(event domain.OrderPaidEvent) OrderApprovalEventPayload {
	order := event.Order()
	items := order.Items()
	products := make([]OrderApprovalEventProduct, len(items))
	for i, it := range items {
		products[i] = OrderApprovalEventProduct{ID: it.Product().ID(), Quantity: it.Quantity()}
	}
	return OrderApprovalEventPayload{
		OrderID:               order.ID(),
		RestaurantID:          order.RestaurantID(),
		Price:                 order.Price(),
		CreatedAt:             event.CreatedAt(),
		RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid,
		Products:              products,
	}
}
