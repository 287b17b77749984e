package application

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/logging"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/domain"
)

// OrderCreatedMessage is what CreateOrder tells the client.
const OrderCreatedMessage = "Order created successfully"

// OrderCreateHelper creates orders (the walkthrough's CreateHelper, with the
// original's command handler folded in): it checks a new order against the
// read models, lets the domain validate and initiate it, and saves the order
// and its payment request (a payment_outbox row opening a new saga) in one
// transaction, so an order exists exactly when its payment will be
// requested. A command with an idempotency key also stores the key in that
// transaction, so a key exists exactly when its order does.
type OrderCreateHelper struct {
	tx            Transactor
	orders        OrderRepository
	customers     CustomerRepository
	restaurants   RestaurantRepository
	keys          IdempotencyKeyRepository
	domain        *domain.OrderDomainService
	paymentOutbox *PaymentOutboxHelper
	maxItems      int
	log           *zap.Logger
}

// NewOrderCreateHelper returns the helper; maxItems bounds the lines of one
// order (DefaultMaxOrderItems when not positive).
func NewOrderCreateHelper(tx Transactor, orders OrderRepository, customers CustomerRepository, restaurants RestaurantRepository,
	ds *domain.OrderDomainService, paymentOutbox *PaymentOutboxHelper, maxItems int, log *zap.Logger, opts ...CreateOrderOption) *OrderCreateHelper {
	h := &OrderCreateHelper{tx: tx, orders: orders, customers: customers, restaurants: restaurants, domain: ds,
		paymentOutbox: paymentOutbox, maxItems: maxItems, log: log}
	for _, opt := range opts {
		opt(h)
	}
	return h
}

// CreateOrder validates cmd, then saves the PENDING order and its payment
// request. A command whose idempotency key is already stored creates nothing:
// with the same request it gets the first order's answer again (Replayed),
// with another request an ErrIdempotencyKeyReused error.
func (h *OrderCreateHelper) CreateOrder(ctx context.Context, cmd CreateOrderCommand) (CreateOrderResponse, error) {
	if err := cmd.Validate(h.maxItems); err != nil {
		return CreateOrderResponse{}, err
	}
	if cmd.IdempotencyKey == "" {
		return h.create(ctx, cmd, "")
	}
	if h.keys == nil {
		return CreateOrderResponse{}, errors.New("create order: an idempotency key was given, but no IdempotencyKeyRepository is configured")
	}
	hash := cmd.RequestHash()
	if resp, found, err := h.replay(ctx, cmd.CustomerID, cmd.IdempotencyKey, hash); found || err != nil {
		return resp, err
	}
	resp, err := h.create(ctx, cmd, hash)
	if !errors.Is(err, kernel.ErrDuplicate) {
		return resp, err
	}
	// A command with the same key committed while this one ran, and this
	// one's order was rolled back with its key: the first order is the
	// answer.
	resp, found, err := h.replay(ctx, cmd.CustomerID, cmd.IdempotencyKey, hash)
	if err == nil && !found {
		err = fmt.Errorf("create order: idempotency key conflicted but is not stored: %w", kernel.ErrDuplicate)
	}
	return resp, err
}

// create saves the order, its payment request and, when hash is not empty,
// the command's idempotency key, in one transaction.
func (h *OrderCreateHelper) create(ctx context.Context, cmd CreateOrderCommand, hash string) (CreateOrderResponse, error) {
	var order *domain.Order
	sagaID := kernel.NewID[kernel.SagaID]()
	err := h.tx.Transact(ctx, func(ctx context.Context) error {
		event, err := h.persistOrder(ctx, cmd)
		if err != nil {
			return err
		}
		order = event.Order()
		if err := h.paymentOutbox.SavePaymentOutboxMessage(ctx, paymentRequestPayloadFromEvent(event),
			order.Status(), OrderStatusToSagaStatus(order.Status()), outbox.StatusStarted, sagaID); err != nil {
			return err
		}
		if hash == "" {
			return nil
		}
		return h.keys.Insert(ctx, IdempotencyKey{
			CustomerID: cmd.CustomerID, Key: cmd.IdempotencyKey, RequestHash: hash, OrderID: order.ID(), TrackingID: order.TrackingID(),
			OrderStatus: order.Status(), CreatedAt: event.CreatedAt(),
		})
	})
	if err != nil {
		return CreateOrderResponse{}, err
	}
	h.log.Info("order created", logging.Trace(ctx), zap.Stringer("order_id", order.ID()),
		zap.Stringer("tracking_id", order.TrackingID()), zap.Stringer("saga_id", sagaID))
	return CreateOrderResponse{
		OrderTrackingID: order.TrackingID(),
		OrderStatus:     order.Status(),
		Message:         OrderCreatedMessage,
	}, nil
}

// replay answers a command whose key the customer already stored: found is
// false when it is not.
func (h *OrderCreateHelper) replay(ctx context.Context, customerID kernel.CustomerID, key, hash string) (resp CreateOrderResponse, found bool, err error) {
	stored, err := h.keys.FindByKey(ctx, customerID, key)
	if errors.Is(err, kernel.ErrNotFound) {
		return CreateOrderResponse{}, false, nil
	}
	if err != nil {
		return CreateOrderResponse{}, false, fmt.Errorf("find idempotency key: %w", err)
	}
	if stored.RequestHash != hash {
		return CreateOrderResponse{}, true, kernel.WrapError(kernel.ECodeInvalid, ErrIdempotencyKeyReused,
			"Idempotency-Key was already used for a different order request")
	}
	h.log.Info("order create replayed", zap.Stringer("order_id", stored.OrderID), zap.Stringer("tracking_id", stored.TrackingID))
	return CreateOrderResponse{
		OrderTrackingID: stored.TrackingID,
		OrderStatus:     stored.OrderStatus,
		Message:         OrderCreatedMessage,
		Replayed:        true,
	}, true, nil
}

// persistOrder validates, initiates and stores the order cmd describes.
func (h *OrderCreateHelper) persistOrder(ctx context.Context, cmd CreateOrderCommand) (domain.OrderCreatedEvent, error) {
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
