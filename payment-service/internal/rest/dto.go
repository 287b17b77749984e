package rest

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

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
