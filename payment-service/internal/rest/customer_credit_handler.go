package rest

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/payment-service/api"
	"github.com/food-ordering-system/payment-service/internal/application"
)

// CustomerCreditHandler serves GET /customers/{customerId}/credit.
type CustomerCreditHandler struct {
	query application.CustomerCreditQuery
}

// NewCustomerCreditHandler returns the handler over query.
func NewCustomerCreditHandler(query application.CustomerCreditQuery) *CustomerCreditHandler {
	return &CustomerCreditHandler{query: query}
}

// Register adds the handler's routes to e.
func (h *CustomerCreditHandler) Register(e *echo.Echo) {
	e.GET("/customers/:customerId/credit", h.CustomerCredit)
	e.GET("/openapi.yaml", httpserver.OpenAPI(api.OpenAPI))
}

// CustomerCredit answers GET /customers/{customerId}/credit: 200 with the
// customer's credit and history, 404 when the customer has no credit entry,
// 400 when the id is not a UUID.
func (h *CustomerCreditHandler) CustomerCredit(c echo.Context) error {
	raw := c.Param("customerId")
	customerID, err := kernel.ParseID[kernel.CustomerID](raw)
	if err != nil {
		return kernel.WrapError(kernel.ECodeInvalid, err, "Invalid customer id: "+raw)
	}
	credit, err := h.query.CustomerCredit(c.Request().Context(), customerID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, customerCreditResponseOf(credit))
}
