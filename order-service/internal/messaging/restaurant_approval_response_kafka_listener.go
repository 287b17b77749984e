package messaging

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/retry"
	"github.com/food-ordering-system/order-service/internal/application"
)

// RestaurantApprovalResponseKafkaListener hands the restaurants' replies to
// the application: APPROVED to OrderApproved, REJECTED to OrderRejected. Its
// Handle is a kafka.Handler.
type RestaurantApprovalResponseKafkaListener struct {
	listener application.RestaurantApprovalResponseMessageListener
	log      *zap.Logger
}

// NewRestaurantApprovalResponseKafkaListener returns the listener.
func NewRestaurantApprovalResponseKafkaListener(listener application.RestaurantApprovalResponseMessageListener, log *zap.Logger) *RestaurantApprovalResponseKafkaListener {
	return &RestaurantApprovalResponseKafkaListener{listener: listener, log: log}
}

// Handle decodes one restaurant-approval-response record and calls the
// application, with the error policy of PaymentResponseKafkaListener.Handle.
func (l *RestaurantApprovalResponseKafkaListener) Handle(ctx context.Context, msg *kafka.Received) error {
	m, err := kafka.DecodeJSON[contract.RestaurantApprovalResponse](msg)
	if err != nil {
		return err
	}
	resp, err := restaurantApprovalResponseFromContract(m)
	if err != nil {
		return retry.Permanent(err)
	}
	log := l.log.With(zap.Stringer("saga_id", resp.SagaID), zap.Stringer("order_id", resp.OrderID),
		zap.String("approval_status", string(resp.OrderApprovalStatus)))
	switch resp.OrderApprovalStatus {
	case kernel.OrderApprovalStatusApproved:
		log.Debug("processing approved order")
		return l.listener.OrderApproved(ctx, resp)
	default: // REJECTED, the only other answer
		log.Debug("processing rejected order", zap.Strings("failure_messages", resp.FailureMessages))
		return l.listener.OrderRejected(ctx, resp)
	}
}
