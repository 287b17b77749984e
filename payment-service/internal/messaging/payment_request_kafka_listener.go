package messaging

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/retry"
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
// cannot be answered (undecodable, without saga or order id, of an unknown
// kind) is returned as a permanent error, which sends it to the dead-letter
// topic. Every other request is answered, a refusal included, so an error
// from the application is worth a retry, unless its code says otherwise.
func (l *PaymentRequestKafkaListener) Handle(ctx context.Context, msg *kafka.Received) error {
	m, err := kafka.DecodeJSON[contract.PaymentRequest](msg)
	if err != nil {
		return err
	}
	req, err := paymentRequestFromContract(m)
	if err != nil {
		return retry.Permanent(err)
	}
	l.log.Debug("payment request received", zap.Stringer("message_id", req.ID), zap.Stringer("saga_id", req.SagaID),
		zap.Stringer("order_id", req.OrderID), zap.String("payment_order_status", string(req.PaymentOrderStatus)))
	if req.PaymentOrderStatus == kernel.PaymentOrderStatusCancelled {
		return l.listener.CancelPayment(ctx, req)
	}
	return l.listener.CompletePayment(ctx, req)
}

// LockKey is the consumer's lock order (kafka.InLockOrder): the customer
// whose credit entry the request locks. Batches of different partitions
// then lock credit entries in one order and never deadlock; every request of
// a saga names one customer, so a saga's requests keep their order. An
// undecodable request sorts first, and fails as it would anyway.
func (l *PaymentRequestKafkaListener) LockKey(msg *kafka.Received) string {
	m, err := kafka.DecodeJSON[contract.PaymentRequest](msg)
	if err != nil {
		return ""
	}
	return m.CustomerID.String()
}
