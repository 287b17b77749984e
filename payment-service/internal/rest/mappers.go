package rest

import "github.com/food-ordering-system/payment-service/internal/application"

// customerCreditResponseOf is the body answering a customer's credit, with
// its history in the order the application gives it.
func customerCreditResponseOf(credit application.CustomerCredit) CustomerCreditResponse {
	resp := CustomerCreditResponse{
		CustomerID:        credit.CustomerID.String(),
		TotalCreditAmount: credit.TotalCreditAmount,
		History:           make([]CreditHistoryResponse, len(credit.History)),
	}
	for i, m := range credit.History {
		resp.History[i] = CreditHistoryResponse{ID: m.ID.String(), Amount: m.Amount, Type: string(m.Type), CreatedAt: m.CreatedAt.UTC()}
	}
	return resp
}
