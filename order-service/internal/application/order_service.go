package application

import "context"

// OrderService implements OrderApplicationService (the original's
// OrderApplicationServiceImpl) by handing each request to its handler.
type OrderService struct {
	create *OrderCreateCommandHandler
	track  *OrderTrackCommandHandler
}

var _ OrderApplicationService = (*OrderService)(nil)

// NewOrderService returns the service over its two handlers.
func NewOrderService(create *OrderCreateCommandHandler, track *OrderTrackCommandHandler) *OrderService {
	return &OrderService{create: create, track: track}
}

// CreateOrder implements OrderApplicationService.
func (s *OrderService) CreateOrder(ctx context.Context, cmd CreateOrderCommand) (CreateOrderResponse, error) {
	return s.create.CreateOrder(ctx, cmd)
}

// TrackOrder implements OrderApplicationService.
func (s *OrderService) TrackOrder(ctx context.Context, query TrackOrderQuery) (TrackOrderResponse, error) {
	return s.track.TrackOrder(ctx, query)
}
