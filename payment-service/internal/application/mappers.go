package application

import "github.com/food-ordering-system/payment-service/internal/domain"

// orderEventPayloadFromEvent builds the payload that reports event.
func orderEventPayloadFromEvent(event domain.PaymentEvent) OrderEventPayload {
	p := event.Payment()
	failures := event.FailureMessages()
	if failures == nil {
		failures = []string{}
	}
	return OrderEventPayload{
		PaymentID:       p.ID(),
		CustomerID:      p.CustomerID(),
		OrderID:         p.OrderID(),
		Price:           p.Price(),
		CreatedAt:       event.CreatedAt(),
		PaymentStatus:   event.PaymentStatus(),
		FailureMessages: failures,
	}
}
