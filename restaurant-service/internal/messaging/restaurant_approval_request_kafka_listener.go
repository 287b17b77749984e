package messaging

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/retry"
	"github.com/food-ordering-system/restaurant-service/internal/application"
)

// RestaurantApprovalRequestKafkaListener consumes restaurant-approval-request
// records and hands each request to the application's input port,
// RestaurantApprovalRequestHelper.
type RestaurantApprovalRequestKafkaListener struct {
	listener application.RestaurantApprovalRequestMessageListener
	log      *zap.Logger
}

// NewRestaurantApprovalRequestKafkaListener returns the listener over the
// application's input port.
func NewRestaurantApprovalRequestKafkaListener(listener application.RestaurantApprovalRequestMessageListener, log *zap.Logger) *RestaurantApprovalRequestKafkaListener {
	return &RestaurantApprovalRequestKafkaListener{listener: listener, log: log}
}

// Handle is the kafka.Handler of the approval request topic. The topic
// carries two messages of one shape: a request to approve a PAID order, and
// (restaurantOrderStatus CANCELLED) the word that an order was cancelled
// after its approval was asked. A record that is neither goes to the
// dead-letter topic (kafka.DecodeJSON's Permanent error), as does one no
// answer could name (approvalRequestFromContract) or that the application
// calls invalid: every other request, acceptable or not, is answered. Any
// other error is returned as is so the record is retried.
func (l *RestaurantApprovalRequestKafkaListener) Handle(ctx context.Context, msg *kafka.Received) error {
	m, err := kafka.DecodeJSON[contract.RestaurantApprovalRequest](msg)
	if err != nil {
		return err
	}
	request, err := approvalRequestFromContract(m)
	if err != nil {
		return retry.Permanent(err)
	}
	l.log.Debug("order approval request received",
		zap.Stringer("saga_id", request.SagaID), zap.Stringer("order_id", request.OrderID),
		zap.Stringer("restaurant_id", request.RestaurantID), zap.Stringer("message_id", request.ID))
	if request.RestaurantOrderStatus == kernel.RestaurantOrderStatusCancelled {
		return l.listener.CancelOrder(ctx, request)
	}
	return l.listener.ApproveOrder(ctx, request)
}
