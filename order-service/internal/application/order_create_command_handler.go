package application

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/domain"
)

// OrderCreatedMessage is what CreateOrder tells the client.
const OrderCreatedMessage = "Order created successfully"

// OrderCreateCommandHandler creates orders: the order and its payment request
// (a payment_outbox row opening a new saga) are saved in one transaction, so
// an order exists exactly when its payment will be requested.
type OrderCreateCommandHandler struct {
	tx            Transactor
	helper        *OrderCreateHelper
	paymentOutbox *PaymentOutboxHelper
	maxItems      int
	log           *zap.Logger
}

// NewOrderCreateCommandHandler returns the handler; maxItems bounds the lines
// of one order (DefaultMaxOrderItems when not positive).
func NewOrderCreateCommandHandler(tx Transactor, helper *OrderCreateHelper, paymentOutbox *PaymentOutboxHelper, maxItems int, log *zap.Logger) *OrderCreateCommandHandler {
	return &OrderCreateCommandHandler{tx: tx, helper: helper, paymentOutbox: paymentOutbox, maxItems: maxItems, log: log}
}

// CreateOrder validates cmd, then saves the PENDING order and its payment
// request.
func (h *OrderCreateCommandHandler) CreateOrder(ctx context.Context, cmd CreateOrderCommand) (CreateOrderResponse, error) {
	if err := cmd.Validate(h.maxItems); err != nil {
		return CreateOrderResponse{}, err
	}
	var order *domain.Order
	sagaID := kernel.NewID[kernel.SagaID]()
	err := h.tx.Transact(ctx, func(ctx context.Context) error {
		event, err := h.helper.PersistOrder(ctx, cmd)
		if err != nil {
			return err
		}
		order = event.Order()
		return h.paymentOutbox.SavePaymentOutboxMessage(ctx, paymentRequestPayload(event),
			order.Status(), OrderStatusToSagaStatus(order.Status()), outbox.StatusStarted, sagaID)
	})
	if err != nil {
		return CreateOrderResponse{}, err
	}
	h.log.Info("order created", zap.Stringer("order_id", order.ID()),
		zap.Stringer("tracking_id", order.TrackingID()), zap.Stringer("saga_id", sagaID))
	return CreateOrderResponse{
		OrderTrackingID: order.TrackingID(),
		OrderStatus:     order.Status(),
		Message:         OrderCreatedMessage,
	}, nil
}
