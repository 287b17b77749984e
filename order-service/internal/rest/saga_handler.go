package rest

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/internal/application"
)

// SagaHandler serves the saga's read side, for the people who run the
// system: one order's saga step by step, and the sagas that wait too long.
type SagaHandler struct {
	sagas application.OrderSagaQueryService
}

// NewSagaHandler returns the handler over the application's saga queries.
func NewSagaHandler(sagas application.OrderSagaQueryService) *SagaHandler {
	return &SagaHandler{sagas: sagas}
}

// Register adds the timeline to the public API and the stuck sagas to the
// admin listener: the list names the tracking id of every open order, which
// is all it takes to read an order, so it is not for the public.
func (h *SagaHandler) Register(api, admin *echo.Echo) {
	api.GET("/orders/:trackingId/timeline", h.OrderTimeline)
	admin.GET("/sagas/stuck", h.StuckSagas)
}

// OrderTimeline handles GET /orders/{trackingId}/timeline.
func (h *SagaHandler) OrderTimeline(c echo.Context) error {
	raw := c.Param("trackingId")
	id, err := kernel.ParseID[kernel.TrackingID](raw)
	if err != nil {
		return kernel.WrapError(kernel.ECodeInvalid, err, "trackingId is not a valid UUID: "+raw)
	}
	resp, err := h.sagas.OrderTimeline(c.Request().Context(), application.OrderTimelineQuery{OrderTrackingID: id})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, orderTimelineResponseOf(resp))
}

// StuckSagas handles GET /sagas/stuck[?limit=n].
func (h *SagaHandler) StuckSagas(c echo.Context) error {
	var query application.StuckSagasQuery
	if values, given := c.QueryParams()["limit"]; given {
		limit, err := stuckSagasLimit(values)
		if err != nil {
			return err
		}
		query.Limit = limit
	}
	resp, err := h.sagas.StuckSagas(c.Request().Context(), query)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, stuckSagasResponseOf(resp))
}

// stuckSagasLimit reads a given ?limit: one whole number, not 0. A zero Limit
// is how the query says "not given", so a given 0 or an empty limit would be
// answered with the default instead of refused; the application checks the
// range.
func stuckSagasLimit(values []string) (int, error) {
	if len(values) > 1 {
		return 0, kernel.Errorf(kernel.ECodeInvalid, "limit must be given once")
	}
	limit, err := strconv.Atoi(values[0])
	if err != nil {
		return 0, kernel.WrapError(kernel.ECodeInvalid, err, "limit is not a whole number: "+values[0])
	}
	if limit == 0 {
		return 0, kernel.Errorf(kernel.ECodeInvalid, "limit must be between 1 and %d", application.MaxStuckSagasLimit)
	}
	return limit, nil
}
