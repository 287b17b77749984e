package rest

import (
	"errors"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/order-service/api"
	"github.com/food-ordering-system/order-service/internal/application"
)

// Headers of idempotent creation.
const (
	// HeaderIdempotencyKey names a client's retry: the same key with the
	// same order answers the first order again.
	HeaderIdempotencyKey = "Idempotency-Key"
	// HeaderIdempotentReplayed is "true" on a 201 that repeats an earlier
	// answer instead of creating an order.
	HeaderIdempotentReplayed = "Idempotent-Replayed"
)

// OrderHandler serves the order endpoints over the application's input port.
type OrderHandler struct {
	app application.OrderApplicationService
}

// NewOrderHandler returns the handler. It decodes requests only: the
// application validates every command, its number of lines included, once.
func NewOrderHandler(app application.OrderApplicationService) *OrderHandler {
	return &OrderHandler{app: app}
}

// Register adds the routes to e.
func (h *OrderHandler) Register(e *echo.Echo) {
	e.POST("/orders", h.CreateOrder)
	e.GET("/orders/:trackingId", h.TrackOrder)
	e.GET("/openapi.yaml", httpserver.OpenAPI(api.OpenAPI))
}

// CreateOrder handles POST /orders: 201 with Location /orders/{trackingId}.
// A request that is malformed or breaks a rule gets 400 and reaches nothing
// that writes. With an Idempotency-Key, a repeat of the same order answers
// the first one's 201 again, marked Idempotent-Replayed, and the same key
// with another order gets 422.
func (h *OrderHandler) CreateOrder(c echo.Context) error {
	if !isJSON(c.Request().Header.Get(echo.HeaderContentType)) {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "Content-Type must be application/json")
	}
	key, err := idempotencyKey(c.Request().Header)
	if err != nil {
		return err
	}
	var req CreateOrderRequest
	if err := decodeJSON(c.Request().Body, &req, createOrderShape); err != nil {
		return err
	}
	cmd, err := req.command()
	if err != nil {
		return err
	}
	cmd.IdempotencyKey = key
	resp, err := h.app.CreateOrder(c.Request().Context(), cmd)
	if errors.Is(err, application.ErrIdempotencyKeyReused) {
		return &httpserver.StatusError{Status: http.StatusUnprocessableEntity, Code: "idempotency_key_reused",
			Message: kernel.ErrorMessageOf(err), Err: err}
	}
	if err != nil {
		return err
	}
	if resp.Replayed {
		c.Response().Header().Set(HeaderIdempotentReplayed, "true")
	}
	c.Response().Header().Set(echo.HeaderLocation, "/orders/"+resp.OrderTrackingID.String())
	return c.JSON(http.StatusCreated, createOrderResponseOf(resp))
}

// idempotencyKey returns the request's Idempotency-Key, "" when there is
// none. Whether the key itself is acceptable is the application's rule; a
// header that is present but empty, or given twice, is not a key at all.
func idempotencyKey(h http.Header) (string, error) {
	values := h.Values(HeaderIdempotencyKey)
	switch {
	case len(values) == 0:
		return "", nil
	case len(values) > 1:
		return "", kernel.Errorf(kernel.ECodeInvalid, "%s must be given once", HeaderIdempotencyKey)
	case values[0] == "":
		return "", kernel.Errorf(kernel.ECodeInvalid, "%s must not be empty", HeaderIdempotencyKey)
	}
	return values[0], nil
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
	return c.JSON(http.StatusOK, trackOrderResponseOf(resp))
}

func isJSON(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == echo.MIMEApplicationJSON
}
