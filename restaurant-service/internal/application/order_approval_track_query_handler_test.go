package application_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/application/mocks"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

func TestTrackOrderApproval(t *testing.T) {
	orderID := kernel.NewID[kernel.OrderID]()
	rejected, err := domain.UnmarshalOrderApprovalFromDatabase(kernel.NewID[kernel.OrderApprovalID](), restaurant1, orderID,
		kernel.OrderApprovalStatusRejected, []string{"Product with id: x is not available"})
	require.NoError(t, err)

	t.Run("found", func(t *testing.T) {
		approvals := mocks.NewMockOrderApprovalRepository(gomock.NewController(t))
		approvals.EXPECT().FindByOrderID(gomock.Any(), orderID).Return(rejected, nil)

		got, err := application.NewOrderApprovalTrackQueryHandler(approvals).
			TrackOrderApproval(context.Background(), application.TrackOrderApprovalQuery{OrderID: orderID})
		require.NoError(t, err)
		assert.Equal(t, application.TrackOrderApprovalResponse{
			OrderID:             orderID,
			RestaurantID:        restaurant1,
			OrderApprovalStatus: kernel.OrderApprovalStatusRejected,
			FailureMessages:     []string{"Product with id: x is not available"},
		}, got)
	})

	t.Run("not found", func(t *testing.T) {
		approvals := mocks.NewMockOrderApprovalRepository(gomock.NewController(t))
		approvals.EXPECT().FindByOrderID(gomock.Any(), orderID).
			Return(nil, fmt.Errorf("find approval of order %s: %w", orderID, kernel.ErrNotFound))

		_, err := application.NewOrderApprovalTrackQueryHandler(approvals).
			TrackOrderApproval(context.Background(), application.TrackOrderApprovalQuery{OrderID: orderID})
		assert.Equal(t, kernel.ECodeNotFound, kernel.ErrorCodeOf(err))
		assert.Equal(t, "Could not find order approval for order id: "+orderID.String(), kernel.ErrorMessageOf(err))
	})

	t.Run("database failure stays internal", func(t *testing.T) {
		approvals := mocks.NewMockOrderApprovalRepository(gomock.NewController(t))
		approvals.EXPECT().FindByOrderID(gomock.Any(), orderID).Return(nil, errors.New("boom"))

		_, err := application.NewOrderApprovalTrackQueryHandler(approvals).
			TrackOrderApproval(context.Background(), application.TrackOrderApprovalQuery{OrderID: orderID})
		require.Error(t, err)
		assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(err))
	})
}
