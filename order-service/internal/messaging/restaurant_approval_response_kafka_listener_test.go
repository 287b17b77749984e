package messaging_test

import (
	"context"
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

func approvalReply(status kernel.OrderApprovalStatus) contract.RestaurantApprovalResponse {
	return contract.RestaurantApprovalResponse{
		ID: uuid.New(), SagaID: uuid.New(), RestaurantID: uuid.New(), OrderID: uuid.New(),
		CreatedAt: createdAt, OrderApprovalStatus: status, FailureMessages: []string{"closed"},
	}
}

func approvalDTO(m contract.RestaurantApprovalResponse) application.RestaurantApprovalResponse {
	return application.RestaurantApprovalResponse{
		ID:                  kernel.IDFromUUID[kernel.MessageID](m.ID),
		SagaID:              kernel.IDFromUUID[kernel.SagaID](m.SagaID),
		OrderID:             kernel.IDFromUUID[kernel.OrderID](m.OrderID),
		RestaurantID:        kernel.IDFromUUID[kernel.RestaurantID](m.RestaurantID),
		CreatedAt:           m.CreatedAt,
		OrderApprovalStatus: m.OrderApprovalStatus,
		FailureMessages:     m.FailureMessages,
	}
}

func TestRestaurantApprovalResponseKafkaListenerRoutesByStatus(t *testing.T) {
	t.Run("APPROVED", func(t *testing.T) {
		l := mocks.NewMockRestaurantApprovalResponseMessageListener(gomock.NewController(t))
		reply := approvalReply(kernel.OrderApprovalStatusApproved)
		l.EXPECT().OrderApproved(gomock.Any(), approvalDTO(reply)).Return(nil)

		require.NoError(t, messaging.NewRestaurantApprovalResponseKafkaListener(l, zap.NewNop()).Handle(context.Background(), record(t, reply)))
	})
	t.Run("REJECTED", func(t *testing.T) {
		l := mocks.NewMockRestaurantApprovalResponseMessageListener(gomock.NewController(t))
		reply := approvalReply(kernel.OrderApprovalStatusRejected)
		l.EXPECT().OrderRejected(gomock.Any(), approvalDTO(reply)).Return(nil)

		require.NoError(t, messaging.NewRestaurantApprovalResponseKafkaListener(l, zap.NewNop()).Handle(context.Background(), record(t, reply)))
	})
	t.Run("unknown status is dead-lettered", func(t *testing.T) {
		l := mocks.NewMockRestaurantApprovalResponseMessageListener(gomock.NewController(t))

		err := messaging.NewRestaurantApprovalResponseKafkaListener(l, zap.NewNop()).Handle(context.Background(), record(t, approvalReply("MAYBE")))

		assert.True(t, kafka.IsPermanent(err))
	})
	t.Run("order id missing is dead-lettered", func(t *testing.T) {
		l := mocks.NewMockRestaurantApprovalResponseMessageListener(gomock.NewController(t))
		reply := approvalReply(kernel.OrderApprovalStatusApproved)
		reply.OrderID = uuid.Nil

		err := messaging.NewRestaurantApprovalResponseKafkaListener(l, zap.NewNop()).Handle(context.Background(), record(t, reply))

		assert.True(t, kafka.IsPermanent(err))
	})
}
