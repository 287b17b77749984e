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

// PaymentResponseKafkaListener hands payment-service's replies to the
// application: COMPLETED to PaymentCompleted, CANCELLED and FAILED to
// PaymentCancelled. Its Handle is a kafka.Handler.
type PaymentResponseKafkaListener struct {
	listener application.PaymentResponseMessageListener
	log      *zap.Logger
}

// NewPaymentResponseKafkaListener returns the listener.
func NewPaymentResponseKafkaListener(listener application.PaymentResponseMessageListener, log *zap.Logger) *PaymentResponseKafkaListener {
	return &PaymentResponseKafkaListener{listener: listener, log: log}
}

// Handle decodes one payment-response record and calls the application. A
// record that can never be handled is returned as retry.Permanent (dead
// letter); the application's errors are returned as they are, so transient
// ones are retried.
func (l *PaymentResponseKafkaListener) Handle(ctx context.Context, msg *kafka.Received) error {
	m, err := kafka.DecodeJSON[contract.PaymentResponse](msg)
	if err != nil {
		return err
	}
	resp, err := paymentResponseFromContract(m)
	if err != nil {
		return retry.Permanent(err)
	}
	log := l.log.With(zap.Stringer("saga_id", resp.SagaID), zap.Stringer("order_id", resp.OrderID),
		zap.String("payment_status", string(resp.PaymentStatus)))
	switch resp.PaymentStatus {
	case kernel.PaymentStatusCompleted:
		log.Debug("processing successful payment")
		return l.listener.PaymentCompleted(ctx, resp)
	default: // CANCELLED or FAILED, the only other valid statuses
		log.Debug("processing unsuccessful payment")
		return l.listener.PaymentCancelled(ctx, resp)
	}
}
