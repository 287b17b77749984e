package rest

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/food-ordering-system/common/kernel"
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
	e.GET("/customers/:customerId/credit", h.customerCredit)
	e.GET("/openapi.yaml", OpenAPI)
}

func (h *CustomerCreditHandler) customerCredit(c echo.Context) error {
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

// OpenAPI serves the API's OpenAPI document.
func OpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml", api.OpenAPI)
}
