package rest

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/restaurant-service/api"
	"github.com/food-ordering-system/restaurant-service/internal/application"
)

// OrderApprovalHandler serves the restaurants' answers over HTTP.
type OrderApprovalHandler struct {
	tracker application.OrderApprovalTracker
}

// NewOrderApprovalHandler returns the handler over the query input port.
func NewOrderApprovalHandler(tracker application.OrderApprovalTracker) *OrderApprovalHandler {
	return &OrderApprovalHandler{tracker: tracker}
}

// Register adds the handler's routes to e.
func (h *OrderApprovalHandler) Register(e *echo.Echo) {
	e.GET("/orders/:orderId/approval", h.TrackOrderApproval)
	e.GET("/openapi.yaml", httpserver.OpenAPI(api.OpenAPI))
}

// TrackOrderApproval answers GET /orders/{orderId}/approval: 200 with the
// approval, 404 when the restaurant has not answered for the order, 400 when
// the id is not a UUID.
func (h *OrderApprovalHandler) TrackOrderApproval(c echo.Context) error {
	raw := c.Param("orderId")
	orderID, err := kernel.ParseID[kernel.OrderID](raw)
	if err != nil {
		return kernel.Errorf(kernel.ECodeInvalid, "Order id %q is not a valid UUID", raw)
	}
	approval, err := h.tracker.TrackOrderApproval(c.Request().Context(), application.TrackOrderApprovalQuery{OrderID: orderID})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, orderApprovalResponseOf(approval))
}
