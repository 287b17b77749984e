package application

import (
	"context"

	"github.com/food-ordering-system/common/saga"
)

// PaymentResponseHandler implements PaymentResponseMessageListener (the
// original's PaymentResponseMessageListenerImpl) with the payment saga step.
type PaymentResponseHandler struct {
	step saga.Step[PaymentResponse]
}

var _ PaymentResponseMessageListener = (*PaymentResponseHandler)(nil)

// NewPaymentResponseHandler returns the listener over the payment step.
func NewPaymentResponseHandler(step *OrderPaymentSaga) *PaymentResponseHandler {
	return &PaymentResponseHandler{step: step}
}

// PaymentCompleted moves the saga forward.
func (h *PaymentResponseHandler) PaymentCompleted(ctx context.Context, response PaymentResponse) error {
	return h.step.Process(ctx, response)
}

// PaymentCancelled rolls the saga back.
func (h *PaymentResponseHandler) PaymentCancelled(ctx context.Context, response PaymentResponse) error {
	return h.step.Rollback(ctx, response)
}
