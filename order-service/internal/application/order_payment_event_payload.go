package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// OrderPaymentEventPayload is the payment request a PaymentOutboxMessage
// carries, as stored in its payload column.
type OrderPaymentEventPayload struct {
	OrderID            kernel.OrderID            `json:"orderId"`
	CustomerID         kernel.CustomerID         `json:"customerId"`
	Price              kernel.Money              `json:"price"`
	CreatedAt          time.Time                 `json:"createdAt"`
	PaymentOrderStatus kernel.PaymentOrderStatus `json:"paymentOrderStatus"`
}
