package application_test

import (
	"context"
	"testing"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/payment-service/internal/application"
)

func TestPaymentRequestHandlerRoutesRequests(t *testing.T) {
	t.Run("complete", func(t *testing.T) {
		f := newFixture(t)
		handler := application.NewPaymentRequestHandler(f.helper, zap.NewNop())
		req := pendingRequest("200.00")
		gomock.InOrder(f.inTransaction(), f.lockCredit(customerID, creditEntry(t, "500.00")), f.answered(req, true))
		assert.NoError(t, handler.CompletePayment(context.Background(), req))
	})
	t.Run("cancel", func(t *testing.T) {
		f := newFixture(t)
		handler := application.NewPaymentRequestHandler(f.helper, zap.NewNop())
		orderID := kernel.NewID[kernel.OrderID]()
		req := cancelRequest(orderID)
		gomock.InOrder(f.inTransaction(), f.lockCredit(customerID, creditEntry(t, "500.00")),
			f.findPayment(orderID, storedPayment(t, orderID, kernel.PaymentStatusCompleted)), f.answered(req, true))
		assert.NoError(t, handler.CancelPayment(context.Background(), req))
	})
}
