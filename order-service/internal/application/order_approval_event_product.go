package application

import "github.com/food-ordering-system/common/kernel"

// OrderApprovalEventProduct is one line of an approval request.
type OrderApprovalEventProduct struct {
	ID       kernel.ProductID `json:"id"`
	Quantity int              `json:"quantity"`
}
