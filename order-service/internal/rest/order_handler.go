package rest

import (
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/api"
	"github.com/food-ordering-system/order-service/internal/application"
)

// OrderHandler serves the order endpoints over the application's input port.
type OrderHandler struct {
	app      application.OrderApplicationService
	maxItems int
}

// NewOrderHandler returns the handler; maxItems bounds the lines of one order
// (application.DefaultMaxOrderItems when not positive).
func NewOrderHandler(app application.OrderApplicationService, maxItems int) *OrderHandler {
	return &OrderHandler{app: app, maxItems: maxItems}
}

// Register adds the routes to e.
func (h *OrderHandler) Register(e *echo.Echo) {
	e.POST("/orders", h.CreateOrder)
	e.GET("/orders/:trackingId", h.TrackOrder)
	e.GET("/openapi.yaml", OpenAPI)
}

// CreateOrder handles POST /orders: 201 with Location /orders/{trackingId}.
// A request that is malformed or breaks a rule gets 400 and reaches nothing
// that writes.
func (h *OrderHandler) CreateOrder(c echo.Context) error {
	if !isJSON(c.Request().Header.Get(echo.HeaderContentType)) {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "Content-Type must be application/json")
	}
	var req createOrderRequest
	if err := decodeJSON(c.Request().Body, &req); err != nil {
		return err
	}
	cmd, err := req.command()
	if err != nil {
		return err
	}
	if err := cmd.Validate(h.maxItems); err != nil {
		return err
	}
	resp, err := h.app.CreateOrder(c.Request().Context(), cmd)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/orders/"+resp.OrderTrackingID.String())
	return c.JSON(http.StatusCreated, toCreateOrderResponse(resp))
}

// TrackOrder handles GET /orders/{trackingId}.
func (h *OrderHandler) TrackOrder(c echo.Context) error {
	raw := c.Param("trackingId")
	id, err := kernel.ParseID[kernel.TrackingID](raw)
	if err != nil {
		return kernel.WrapError(kernel.ECodeInvalid, err, "trackingId is not a valid UUID: "+raw)
	}
	resp, err := h.app.TrackOrder(c.Request().Context(), application.TrackOrderQuery{OrderTrackingID: id})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTrackOrderResponse(resp))
}

// OpenAPI serves the API's OpenAPI document.
func OpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml", api.OpenAPI)
}

func isJSON(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == echo.MIMEApplicationJSON
}
