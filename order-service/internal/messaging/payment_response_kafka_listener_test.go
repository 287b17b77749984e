package messaging_test

import (
	"context"
	"errors"
	"testing"

	"github.com/golang/mock/gomock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/application/mocks"
	"github.com/food-ordering-system/order-service/internal/messaging"
)

func paymentReply(status kernel.PaymentStatus) contract.PaymentResponse {
	return contract.PaymentResponse{
		ID: uuid.New(), SagaID: uuid.New(), PaymentID: uuid.New(), CustomerID: uuid.New(), OrderID: uuid.New(),
		Price: kernel.MustParseMoney("200.00"), CreatedAt: createdAt, PaymentStatus: status,
		FailureMessages: []string{"m"},
	}
}

func paymentDTO(m contract.PaymentResponse) application.PaymentResponse {
	return application.PaymentResponse{
		ID:              kernel.IDFromUUID[kernel.MessageID](m.ID),
		SagaID:          kernel.IDFromUUID[kernel.SagaID](m.SagaID),
		OrderID:         kernel.IDFromUUID[kernel.OrderID](m.OrderID),
		PaymentID:       kernel.IDFromUUID[kernel.PaymentID](m.PaymentID),
		CustomerID:      kernel.IDFromUUID[kernel.CustomerID](m.CustomerID),
		Price:           m.Price,
		CreatedAt:       m.CreatedAt,
		PaymentStatus:   m.PaymentStatus,
		FailureMessages: m.FailureMessages,
	}
}

func TestPaymentResponseKafkaListenerRoutesByStatus(t *testing.T) {
	tests := []struct {
		status kernel.PaymentStatus
		expect func(l *mocks.MockPaymentResponseMessageListener, want application.PaymentResponse)
	}{
		{kernel.PaymentStatusCompleted, func(l *mocks.MockPaymentResponseMessageListener, want application.PaymentResponse) {
			l.EXPECT().PaymentCompleted(gomock.Any(), want).Return(nil)
		}},
		{kernel.PaymentStatusCancelled, func(l *mocks.MockPaymentResponseMessageListener, want application.PaymentResponse) {
			l.EXPECT().PaymentCancelled(gomock.Any(), want).Return(nil)
		}},
		{kernel.PaymentStatusFailed, func(l *mocks.MockPaymentResponseMessageListener, want application.PaymentResponse) {
			l.EXPECT().PaymentCancelled(gomock.Any(), want).Return(nil)
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			l := mocks.NewMockPaymentResponseMessageListener(gomock.NewController(t))
			reply := paymentReply(tt.status)
			tt.expect(l, paymentDTO(reply))

			err := messaging.NewPaymentResponseKafkaListener(l, zap.NewNop()).Handle(context.Background(), record(t, reply))

			require.NoError(t, err)
		})
	}
}

func TestPaymentResponseKafkaListenerErrors(t *testing.T) {
	noSaga := paymentReply(kernel.PaymentStatusCompleted)
	noSaga.SagaID = uuid.Nil
	badStatus := paymentReply("REFUNDED")
	tests := []struct {
		name string
		msg  *kafka.Received
	}{
		{"not JSON", &kafka.Received{Value: []byte("{oops")}},
		{"price with three decimals", &kafka.Received{Value: []byte(`{"sagaId":"` + uuid.NewString() + `","price":1.005}`)}},
		{"saga id missing", record(t, noSaga)},
		{"unknown status", record(t, badStatus)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := mocks.NewMockPaymentResponseMessageListener(gomock.NewController(t)) // no call expected

			err := messaging.NewPaymentResponseKafkaListener(l, zap.NewNop()).Handle(context.Background(), tt.msg)

			require.Error(t, err)
			assert.True(t, kafka.IsPermanent(err), "dead-lettered: %v", err)
		})
	}

	t.Run("application errors are returned as they are", func(t *testing.T) {
		l := mocks.NewMockPaymentResponseMessageListener(gomock.NewController(t))
		transient := kernel.Errorf(kernel.ECodeConflict, "order changed")
		l.EXPECT().PaymentCompleted(gomock.Any(), gomock.Any()).Return(transient)

		err := messaging.NewPaymentResponseKafkaListener(l, zap.NewNop()).Handle(context.Background(), record(t, paymentReply(kernel.PaymentStatusCompleted)))

		assert.True(t, errors.Is(err, transient))
		assert.False(t, kafka.IsPermanent(err), "retried, not dead-lettered")
	})
}
