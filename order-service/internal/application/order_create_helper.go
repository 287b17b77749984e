package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/internal/domain"
)

// OrderCreateHelper checks a new order against the read models, lets the
// domain validate and initiate it, and stores it. It runs inside the create
// transaction of OrderCreateCommandHandler.
type OrderCreateHelper struct {
	domain      *domain.OrderDomainService
	orders      OrderRepository
	customers   CustomerRepository
	restaurants RestaurantRepository
}

// NewOrderCreateHelper returns the helper.
func NewOrderCreateHelper(svc *domain.OrderDomainService, orders OrderRepository, customers CustomerRepository, restaurants RestaurantRepository) *OrderCreateHelper {
	return &OrderCreateHelper{domain: svc, orders: orders, customers: customers, restaurants: restaurants}
}

// PersistOrder validates, initiates and stores the order cmd describes.
func (h *OrderCreateHelper) PersistOrder(ctx context.Context, cmd CreateOrderCommand) (domain.OrderCreatedEvent, error) {
	if err := h.checkCustomer(ctx, cmd.CustomerID); err != nil {
		return domain.OrderCreatedEvent{}, err
	}
	restaurant, err := h.checkRestaurant(ctx, cmd.RestaurantID)
	if err != nil {
		return domain.OrderCreatedEvent{}, err
	}
	order, err := orderFromCommand(cmd)
	if err != nil {
		return domain.OrderCreatedEvent{}, err
	}
	event, err := h.domain.ValidateAndInitiateOrder(order, *restaurant)
	if err != nil {
		return domain.OrderCreatedEvent{}, err
	}
	if err := h.orders.Insert(ctx, order); err != nil {
		return domain.OrderCreatedEvent{}, fmt.Errorf("save order %s: %w", order.ID(), err)
	}
	return event, nil
}

func (h *OrderCreateHelper) checkCustomer(ctx context.Context, id kernel.CustomerID) error {
	_, err := h.customers.FindCustomer(ctx, id)
	if errors.Is(err, kernel.ErrNotFound) {
		return kernel.WrapError(kernel.ECodeInvalid, err, fmt.Sprintf("Could not find customer with customer id: %s", id))
	}
	if err != nil {
		return fmt.Errorf("find customer %s: %w", id, err)
	}
	return nil
}

func (h *OrderCreateHelper) checkRestaurant(ctx context.Context, id kernel.RestaurantID) (*domain.Restaurant, error) {
	restaurant, err := h.restaurants.FindRestaurantInformation(ctx, id)
	if errors.Is(err, kernel.ErrNotFound) {
		return nil, kernel.WrapError(kernel.ECodeInvalid, err, fmt.Sprintf("Could not find restaurant with restaurant id: %s", id))
	}
	if err != nil {
		return nil, fmt.Errorf("find restaurant %s: %w", id, err)
	}
	return restaurant, nil
}
