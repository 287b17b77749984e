// Package rest is payment-service's HTTP adapter: the customer credit query
// on echo. Errors are returned as kernel errors; the shared error handler of
// infrastructure/httpserver turns them into JSON with the right status.
package rest

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/food-ordering-system/common/kernel"
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
}

// CustomerCreditResponse is the body of GET /customers/{customerId}/credit.
type CustomerCreditResponse struct {
	CustomerID        string                  `json:"customerId"`
	TotalCreditAmount kernel.Money            `json:"totalCreditAmount"`
	History           []CreditHistoryResponse `json:"history"`
}

// CreditHistoryResponse is one movement of the credit, oldest first.
type CreditHistoryResponse struct {
	ID        string       `json:"id"`
	Amount    kernel.Money `json:"amount"`
	Type      string       `json:"type"`
	CreatedAt time.Time    `json:"createdAt"`
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
	resp := CustomerCreditResponse{
		CustomerID:        credit.CustomerID.String(),
		TotalCreditAmount: credit.TotalCreditAmount,
		History:           make([]CreditHistoryResponse, len(credit.History)),
	}
	for i, m := range credit.History {
		resp.History[i] = CreditHistoryResponse{ID: m.ID.String(), Amount: m.Amount, Type: string(m.Type), CreatedAt: m.CreatedAt.UTC()}
	}
	return c.JSON(http.StatusOK, resp)
}
