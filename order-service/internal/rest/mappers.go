package rest

import (
	"fmt"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/internal/application"
)

// command maps the request to the application's command, checking that every
// field is present and every id is a UUID. The application validates the
// rest (CreateOrderCommand.Validate), once.
func (r CreateOrderRequest) command() (application.CreateOrderCommand, error) {
	var cmd application.CreateOrderCommand
	var err error
	if cmd.CustomerID, err = parseID[kernel.CustomerID]("customerId", r.CustomerID); err != nil {
		return cmd, err
	}
	if cmd.RestaurantID, err = parseID[kernel.RestaurantID]("restaurantId", r.RestaurantID); err != nil {
		return cmd, err
	}
	if r.Address == nil {
		return cmd, required("address")
	}
	cmd.Address = application.OrderAddress{Street: r.Address.Street, PostalCode: r.Address.PostalCode, City: r.Address.City}
	if r.Price == nil {
		return cmd, required("price")
	}
	cmd.Price = *r.Price
	if r.Items == nil {
		return cmd, required("items")
	}
	cmd.Items = make([]application.OrderItemCommand, len(r.Items))
	for i, it := range r.Items {
		field := fmt.Sprintf("items[%d]", i)
		item := &cmd.Items[i]
		if item.ProductID, err = parseID[kernel.ProductID](field+".productId", it.ProductID); err != nil {
			return cmd, err
		}
		switch {
		case it.Quantity == nil:
			return cmd, required(field + ".quantity")
		case it.Price == nil:
			return cmd, required(field + ".price")
		case it.SubTotal == nil:
			return cmd, required(field + ".subTotal")
		}
		item.Quantity, item.Price, item.SubTotal = *it.Quantity, *it.Price, *it.SubTotal
	}
	return cmd, nil
}

func parseID[I kernel.Identifier](field string, s *string) (I, error) {
	if s == nil || *s == "" {
		var zero I
		return zero, required(field)
	}
	id, err := kernel.ParseID[I](*s)
	if err != nil {
		return id, kernel.WrapError(kernel.ECodeInvalid, err, fmt.Sprintf("%s is not a valid UUID: %q", field, *s))
	}
	return id, nil
}

func required(field string) error {
	return kernel.Errorf(kernel.ECodeInvalid, "%s is required", field)
}

func createOrderResponseOf(r application.CreateOrderResponse) CreateOrderResponse {
	return CreateOrderResponse{OrderTrackingID: r.OrderTrackingID.String(), OrderStatus: string(r.OrderStatus), Message: r.Message}
}

func trackOrderResponseOf(r application.TrackOrderResponse) TrackOrderResponse {
	failures := r.FailureMessages
	if failures == nil {
		failures = []string{}
	}
	return TrackOrderResponse{
		OrderID:         r.OrderID.String(),
		OrderTrackingID: r.OrderTrackingID.String(),
		OrderStatus:     string(r.OrderStatus),
		FailureMessages: failures,
	}
}

func orderTimelineResponseOf(r application.OrderTimelineResponse) OrderTimelineResponse {
	steps := make([]TimelineEntryResponse, len(r.Steps))
	for i, s := range r.Steps {
		steps[i] = TimelineEntryResponse{Step: s.Step, At: s.At, Detail: s.Detail}
	}
	return OrderTimelineResponse{
		OrderID:         r.OrderID.String(),
		OrderTrackingID: r.OrderTrackingID.String(),
		OrderStatus:     string(r.OrderStatus),
		Complete:        r.Complete,
		Steps:           steps,
	}
}

func stuckSagasResponseOf(r application.StuckSagasResponse) StuckSagasResponse {
	sagas := make([]StuckSagaResponse, len(r.Sagas))
	for i, s := range r.Sagas {
		failures := s.FailureMessages
		if failures == nil {
			failures = []string{}
		}
		sagas[i] = StuckSagaResponse{
			OrderID:         s.OrderID.String(),
			OrderTrackingID: s.OrderTrackingID.String(),
			OrderStatus:     string(s.OrderStatus),
			CreatedAt:       s.CreatedAt,
			StatusSince:     s.StatusSince,
			WaitingFor:      s.WaitingFor,
			Resends:         s.Resends,
			FailureMessages: failures,
		}
	}
	return StuckSagasResponse{StuckAfterSeconds: r.StuckAfter.Seconds(), Sagas: sagas}
}
