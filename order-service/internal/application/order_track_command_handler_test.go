package application_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/internal/application"
)

func TestTrackOrder(t *testing.T) {
	f := newFixture(t)
	order := storedOrder(kernel.OrderStatusCancelled, "no credit")
	f.orders.EXPECT().FindByTrackingID(gomock.Any(), order.TrackingID()).Return(order, nil)

	resp, err := f.service.TrackOrder(context.Background(), application.TrackOrderQuery{OrderTrackingID: order.TrackingID()})

	require.NoError(t, err)
	assert.Equal(t, application.TrackOrderResponse{
		OrderID:         order.ID(),
		OrderTrackingID: order.TrackingID(),
		OrderStatus:     kernel.OrderStatusCancelled,
		FailureMessages: []string{"no credit"},
	}, resp)
}

func TestTrackOrderWithoutFailuresAnswersAnEmptyList(t *testing.T) {
	f := newFixture(t)
	order := storedOrder(kernel.OrderStatusPending)
	f.orders.EXPECT().FindByTrackingID(gomock.Any(), order.TrackingID()).Return(order, nil)

	resp, err := f.service.TrackOrder(context.Background(), application.TrackOrderQuery{OrderTrackingID: order.TrackingID()})

	require.NoError(t, err)
	assert.NotNil(t, resp.FailureMessages)
	assert.Empty(t, resp.FailureMessages)
}

func TestTrackOrderUnknown(t *testing.T) {
	f := newFixture(t)
	id := kernel.MustParseID[kernel.TrackingID]("0b9a6d2e-7f56-4b3c-9a0e-1f2d3c4b5a69")
	f.orders.EXPECT().FindByTrackingID(gomock.Any(), id).Return(nil, fmt.Errorf("orders: %w", kernel.ErrNotFound))

	_, err := f.service.TrackOrder(context.Background(), application.TrackOrderQuery{OrderTrackingID: id})

	assert.Equal(t, kernel.ECodeNotFound, kernel.ErrorCodeOf(err))
	assert.Equal(t, "Could not find order with tracking id: 0b9a6d2e-7f56-4b3c-9a0e-1f2d3c4b5a69", kernel.ErrorMessageOf(err))
}
