package rest_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/order-service/internal/application"
)

var placedAt = time.Date(2026, 5, 1, 10, 30, 0, 123456000, time.UTC)

func TestOrderTimeline(t *testing.T) {
	a := newAPITest(t)
	a.sagas.EXPECT().OrderTimeline(gomock.Any(), application.OrderTimelineQuery{OrderTrackingID: trackingID}).Return(application.OrderTimelineResponse{
		OrderID: orderID, OrderTrackingID: trackingID, OrderStatus: kernel.OrderStatusPaid, Complete: true,
		Steps: []application.TimelineEntry{
			{Step: application.StepCreated, At: placedAt, Detail: "order placed PENDING"},
			{Step: application.StepPaymentRequested, At: placedAt.Add(15 * time.Millisecond), Detail: "payment request published"},
		},
	}, nil)

	ex := a.do(http.MethodGet, "/orders/"+trackingID.String()+"/timeline", "", "")

	require.NoError(t, ex.requestErr)
	assert.Equal(t, http.StatusOK, ex.rec.Code)
	assert.JSONEq(t, `{"orderId":"`+orderID.String()+`","orderTrackingId":"`+trackingID.String()+`","orderStatus":"PAID","complete":true,
		"steps":[{"step":"created","at":"2026-05-01T10:30:00.123456Z","detail":"order placed PENDING"},
		{"step":"payment_requested","at":"2026-05-01T10:30:00.138456Z","detail":"payment request published"}]}`, ex.rec.Body.String())
}

func TestOrderTimelineErrors(t *testing.T) {
	t.Run("unknown tracking id", func(t *testing.T) {
		a := newAPITest(t)
		a.sagas.EXPECT().OrderTimeline(gomock.Any(), gomock.Any()).Return(application.OrderTimelineResponse{},
			kernel.Errorf(kernel.ECodeNotFound, "Could not find order with tracking id: %s", trackingID))

		ex := a.do(http.MethodGet, "/orders/"+trackingID.String()+"/timeline", "", "")

		assert.Equal(t, http.StatusNotFound, ex.rec.Code)
		assert.Equal(t, httpserver.ErrorResponse{Code: "not_found", Message: "Could not find order with tracking id: " + trackingID.String()},
			decode[httpserver.ErrorResponse](t, ex.rec))
	})
	t.Run("tracking id not a uuid", func(t *testing.T) {
		a := newAPITest(t)

		ex := a.do(http.MethodGet, "/orders/42/timeline", "", "")

		assert.Error(t, ex.requestErr)
		assert.Equal(t, http.StatusBadRequest, ex.rec.Code)
		assert.Equal(t, httpserver.ErrorResponse{Code: "invalid", Message: "trackingId is not a valid UUID: 42"}, decode[httpserver.ErrorResponse](t, ex.rec))
	})
	t.Run("database down", func(t *testing.T) {
		a := newAPITest(t)
		a.sagas.EXPECT().OrderTimeline(gomock.Any(), gomock.Any()).Return(application.OrderTimelineResponse{},
			fmt.Errorf("find saga history: %w", kernel.Errorf(kernel.ECodeUnavailable, "database unavailable")))

		ex := a.do(http.MethodGet, "/orders/"+trackingID.String()+"/timeline", "", "")

		assert.Equal(t, http.StatusServiceUnavailable, ex.rec.Code)
	})
}

func TestStuckSagas(t *testing.T) {
	a := newAPITest(t)
	a.sagas.EXPECT().StuckSagas(gomock.Any(), application.StuckSagasQuery{Limit: 5}).Return(application.StuckSagasResponse{
		StuckAfter: 90 * time.Second,
		Sagas: []application.StuckSaga{{OrderID: orderID, OrderTrackingID: trackingID, OrderStatus: kernel.OrderStatusPending,
			CreatedAt: placedAt, StatusSince: placedAt, WaitingFor: application.WaitingForPayment, Resends: 2}},
	}, nil)

	ex := a.doAdmin("/sagas/stuck?limit=5")

	require.NoError(t, ex.requestErr)
	assert.Equal(t, http.StatusOK, ex.rec.Code)
	assert.JSONEq(t, `{"stuckAfterSeconds":90,"sagas":[{"orderId":"`+orderID.String()+`","orderTrackingId":"`+trackingID.String()+`",
		"orderStatus":"PENDING","createdAt":"2026-05-01T10:30:00.123456Z","statusSince":"2026-05-01T10:30:00.123456Z",
		"waitingFor":"payment","resends":2,"failureMessages":[]}]}`, ex.rec.Body.String())
}

func TestStuckSagasWithoutAnyIsAnEmptyList(t *testing.T) {
	a := newAPITest(t)
	a.sagas.EXPECT().StuckSagas(gomock.Any(), application.StuckSagasQuery{}).Return(application.StuckSagasResponse{
		StuckAfter: time.Minute, Sagas: []application.StuckSaga{}}, nil)

	ex := a.doAdmin("/sagas/stuck")

	assert.Equal(t, http.StatusOK, ex.rec.Code)
	assert.JSONEq(t, `{"stuckAfterSeconds":60,"sagas":[]}`, ex.rec.Body.String())
}

func TestStuckSagasLimitErrors(t *testing.T) {
	t.Run("not a number", func(t *testing.T) {
		a := newAPITest(t)

		ex := a.doAdmin("/sagas/stuck?limit=many")

		assert.Error(t, ex.requestErr)
		assert.Equal(t, http.StatusBadRequest, ex.rec.Code)
		assert.Equal(t, httpserver.ErrorResponse{Code: "invalid", Message: "limit is not a whole number: many"}, decode[httpserver.ErrorResponse](t, ex.rec))
	})
	t.Run("zero, which the query would read as not given", func(t *testing.T) {
		a := newAPITest(t) // without an expectation the mock refuses any call

		ex := a.doAdmin("/sagas/stuck?limit=0")

		assert.Error(t, ex.requestErr, "the document bounds limit too")
		assert.Equal(t, http.StatusBadRequest, ex.rec.Code)
		assert.Equal(t, httpserver.ErrorResponse{Code: "invalid", Message: "limit must be between 1 and 1000"}, decode[httpserver.ErrorResponse](t, ex.rec))
	})
	for name, tt := range map[string]struct{ query, message string }{
		"empty":       {"limit=", "limit is not a whole number: "},
		"given twice": {"limit=5&limit=7", "limit must be given once"},
		"empty first": {"limit=&limit=5", "limit must be given once"},
	} {
		t.Run(name, func(t *testing.T) {
			a := newAPITest(t) // without an expectation the mock refuses any call

			ex := a.doAdmin("/sagas/stuck?" + tt.query)

			assert.Equal(t, http.StatusBadRequest, ex.rec.Code)
			assert.Equal(t, httpserver.ErrorResponse{Code: "invalid", Message: tt.message}, decode[httpserver.ErrorResponse](t, ex.rec))
		})
	}
	t.Run("out of range", func(t *testing.T) {
		a := newAPITest(t)
		a.sagas.EXPECT().StuckSagas(gomock.Any(), application.StuckSagasQuery{Limit: 5000}).Return(application.StuckSagasResponse{},
			kernel.Errorf(kernel.ECodeInvalid, "limit must be between 1 and 1000"))

		ex := a.doAdmin("/sagas/stuck?limit=5000")

		assert.Error(t, ex.requestErr, "the document bounds limit too")
		assert.Equal(t, http.StatusBadRequest, ex.rec.Code)
		assert.Equal(t, httpserver.ErrorResponse{Code: "invalid", Message: "limit must be between 1 and 1000"}, decode[httpserver.ErrorResponse](t, ex.rec))
	})
}
