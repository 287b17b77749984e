package application

import (
	"context"

	"go.uber.org/zap"
)

// PaymentRequestHandler implements PaymentRequestMessageListener on
// PaymentRequestHelper.
type PaymentRequestHandler struct {
	helper *PaymentRequestHelper
	log    *zap.Logger
}

var _ PaymentRequestMessageListener = (*PaymentRequestHandler)(nil)

// NewPaymentRequestHandler returns the input port over helper.
func NewPaymentRequestHandler(helper *PaymentRequestHelper, log *zap.Logger) *PaymentRequestHandler {
	return &PaymentRequestHandler{helper: helper, log: log}
}

// CompletePayment implements PaymentRequestMessageListener.
func (h *PaymentRequestHandler) CompletePayment(ctx context.Context, req PaymentRequest) error {
	h.log.Debug("completing payment", zap.Stringer("order_id", req.OrderID), zap.Stringer("message_id", req.ID))
	return h.helper.PersistPayment(ctx, req)
}

// CancelPayment implements PaymentRequestMessageListener.
func (h *PaymentRequestHandler) CancelPayment(ctx context.Context, req PaymentRequest) error {
	h.log.Debug("cancelling payment", zap.Stringer("order_id", req.OrderID), zap.Stringer("message_id", req.ID))
	return h.helper.PersistCancelPayment(ctx, req)
}
