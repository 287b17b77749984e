package rest_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/infrastructure/testkit/openapitest"
	"github.com/food-ordering-system/restaurant-service/api"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/application/mocks"
	"github.com/food-ordering-system/restaurant-service/internal/rest"
)

func TestTrackOrderApproval(t *testing.T) {
	orderID := kernel.MustParseID[kernel.OrderID]("6a0b1f0e-6f7c-4c39-9b53-3d0f2f3e8a11")
	restaurantID := kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb45")
	query := application.TrackOrderApprovalQuery{OrderID: orderID}

	tests := []struct {
		name   string
		path   string
		expect func(m *mocks.MockOrderApprovalTracker)
		status int
		body   string
		// specRefuses: the document alone already rejects the request.
		specRefuses bool
	}{
		{
			name: "approved",
			path: "/orders/6a0b1f0e-6f7c-4c39-9b53-3d0f2f3e8a11/approval",
			expect: func(m *mocks.MockOrderApprovalTracker) {
				m.EXPECT().TrackOrderApproval(gomock.Any(), query).Return(application.TrackOrderApprovalResponse{
					OrderID: orderID, RestaurantID: restaurantID, OrderApprovalStatus: kernel.OrderApprovalStatusApproved,
				}, nil)
			},
			status: http.StatusOK,
			body: `{"orderId":"6a0b1f0e-6f7c-4c39-9b53-3d0f2f3e8a11","restaurantId":"d215b5f8-0249-4dc5-89a3-51fd148cfb45",
				"orderApprovalStatus":"APPROVED","failureMessages":[]}`,
		},
		{
			name: "rejected",
			path: "/orders/6a0b1f0e-6f7c-4c39-9b53-3d0f2f3e8a11/approval",
			expect: func(m *mocks.MockOrderApprovalTracker) {
				m.EXPECT().TrackOrderApproval(gomock.Any(), query).Return(application.TrackOrderApprovalResponse{
					OrderID: orderID, RestaurantID: restaurantID, OrderApprovalStatus: kernel.OrderApprovalStatusRejected,
					FailureMessages: []string{"Product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb47 is not available"},
				}, nil)
			},
			status: http.StatusOK,
			body: `{"orderId":"6a0b1f0e-6f7c-4c39-9b53-3d0f2f3e8a11","restaurantId":"d215b5f8-0249-4dc5-89a3-51fd148cfb45",
				"orderApprovalStatus":"REJECTED","failureMessages":["Product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb47 is not available"]}`,
		},
		{
			name: "none yet",
			path: "/orders/6a0b1f0e-6f7c-4c39-9b53-3d0f2f3e8a11/approval",
			expect: func(m *mocks.MockOrderApprovalTracker) {
				m.EXPECT().TrackOrderApproval(gomock.Any(), query).Return(application.TrackOrderApprovalResponse{},
					kernel.Errorf(kernel.ECodeNotFound, "Could not find order approval for order id: 6a0b1f0e-6f7c-4c39-9b53-3d0f2f3e8a11"))
			},
			status: http.StatusNotFound,
			body:   `{"code":"not_found","message":"Could not find order approval for order id: 6a0b1f0e-6f7c-4c39-9b53-3d0f2f3e8a11"}`,
		},
		{
			name:        "bad id",
			path:        "/orders/not-a-uuid/approval",
			expect:      func(*mocks.MockOrderApprovalTracker) {},
			status:      http.StatusBadRequest,
			body:        `{"code":"invalid","message":"Order id \"not-a-uuid\" is not a valid UUID"}`,
			specRefuses: true,
		},
		{
			name:   "nil id",
			path:   "/orders/00000000-0000-0000-0000-000000000000/approval",
			expect: func(*mocks.MockOrderApprovalTracker) {},
			status: http.StatusBadRequest,
			body:   `{"code":"invalid","message":"Order id \"00000000-0000-0000-0000-000000000000\" is not a valid UUID"}`,
		},
		{
			name: "database down",
			path: "/orders/6a0b1f0e-6f7c-4c39-9b53-3d0f2f3e8a11/approval",
			expect: func(m *mocks.MockOrderApprovalTracker) {
				m.EXPECT().TrackOrderApproval(gomock.Any(), query).Return(application.TrackOrderApprovalResponse{},
					kernel.Errorf(kernel.ECodeUnavailable, "find order approval: database unavailable"))
			},
			status: http.StatusServiceUnavailable,
			body:   `{"code":"unavailable","message":"service temporarily unavailable; try again"}`,
		},
		{
			name: "internal failure does not leak",
			path: "/orders/6a0b1f0e-6f7c-4c39-9b53-3d0f2f3e8a11/approval",
			expect: func(m *mocks.MockOrderApprovalTracker) {
				m.EXPECT().TrackOrderApproval(gomock.Any(), query).Return(application.TrackOrderApprovalResponse{},
					errors.New("pq: relation order_approval does not exist"))
			},
			status: http.StatusInternalServerError,
			body:   `{"code":"internal","message":"unexpected error"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tracker := mocks.NewMockOrderApprovalTracker(gomock.NewController(t))
			tt.expect(tracker)
			rec, requestErr := openapitest.New(t, api.OpenAPI, baseURL, newServer(t, tracker).Handler()).Get(tt.path)

			if tt.specRefuses {
				assert.Error(t, requestErr, "the document also refuses this request")
			} else if tt.status != http.StatusBadRequest {
				assert.NoError(t, requestErr, "the document accepts the request")
			}
			assert.Equal(t, tt.status, rec.Code)
			assert.JSONEq(t, tt.body, rec.Body.String())
		})
	}
}

// newServer is the shared server with the handler's routes, so that errors
// are mapped exactly as in production.
func newServer(t *testing.T, tracker application.OrderApprovalTracker) *httpserver.Server {
	t.Helper()
	srv := httpserver.New(httpserver.Config{Address: "127.0.0.1:0"}, zap.NewNop())
	rest.NewOrderApprovalHandler(tracker).Register(srv.Echo())
	return srv
}
