package application

// OrderService is OrderApplicationService (the original's
// OrderApplicationServiceImpl): the REST adapter's input port, answered by
// the two use cases it is made of, with nothing in between.
type OrderService struct {
	*OrderCreateHelper
	*OrderTrackCommandHandler
}

var _ OrderApplicationService = (*OrderService)(nil)

// NewOrderService returns the service made of its two use cases.
func NewOrderService(create *OrderCreateHelper, track *OrderTrackCommandHandler) *OrderService {
	return &OrderService{OrderCreateHelper: create, OrderTrackCommandHandler: track}
}
