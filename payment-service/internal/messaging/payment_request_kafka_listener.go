package messaging

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/kafka/contract"
	"github.com/food-ordering-system/payment-service/internal/application"
)

// PaymentRequestKafkaListener handles payment requests from order-service:
// PENDING ones complete a payment, CANCELLED ones cancel it.
type PaymentRequestKafkaListener struct {
	listener application.PaymentRequestMessageListener
	log      *zap.Logger
}

// NewPaymentRequestKafkaListener returns the listener driving listener.
func NewPaymentRequestKafkaListener(listener application.PaymentRequestMessageListener, log *zap.Logger) *PaymentRequestKafkaListener {
	return &PaymentRequestKafkaListener{listener: listener, log: log}
}

// Handle is the kafka.Handler of the payment request topic. A request that
// can never be handled (undecodable, invalid, or for a customer or payment
// that does not exist) is returned as a permanent error, which sends it to
// the dead-letter topic; other errors are retried by the consumer.
func (l *PaymentRequestKafkaListener) Handle(ctx context.Context, msg *kafka.Received) error {
	m, err := kafka.DecodeJSON[contract.PaymentRequest](msg)
	if err != nil {
		return err
	}
	req, err := paymentRequestFromContract(m)
	if err != nil {
		return kafka.Permanent(err)
	}
	l.log.Debug("payment request received", zap.Stringer("messageId", req.ID), zap.Stringer("sagaId", req.SagaID),
		zap.Stringer("orderId", req.OrderID), zap.String("paymentOrderStatus", string(req.PaymentOrderStatus)))
	switch req.PaymentOrderStatus {
	case kernel.PaymentOrderStatusPending:
		err = l.listener.CompletePayment(ctx, req)
	case kernel.PaymentOrderStatusCancelled:
		err = l.listener.CancelPayment(ctx, req)
	}
	if kernel.ErrorCodeOf(err) == kernel.ECodeNotFound {
		return kafka.Permanent(fmt.Errorf("payment request %s: %w", req.ID, err))
	}
	return err
}
