package application

import (
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/saga"
)

// OrderSagaName is the type of every outbox row of the order saga.
const OrderSagaName = "OrderProcessingSaga"

// PaymentOutboxMessage is a row of payment_outbox: a payment request (or a
// refund request) owed to payment-service, and where the saga stood when it
// was last touched.
type PaymentOutboxMessage struct {
	ID          kernel.MessageID
	SagaID      kernel.SagaID
	CreatedAt   time.Time
	ProcessedAt *time.Time
	Type        string
	Payload     OrderPaymentEventPayload
	SagaStatus  saga.Status
	OrderStatus kernel.OrderStatus
	// OutboxStatus is the relay's; the saga never changes it.
	OutboxStatus outbox.Status
	// PaymentOrderStatus is what the row asks for (PENDING: pay, CANCELLED:
	// refund). A saga has at most one row of each.
	PaymentOrderStatus kernel.PaymentOrderStatus
	// Resends is how many times the saga deadline published the row again.
	Resends int
	// Version is the optimistic-locking counter the row was read with.
	Version int
}

// OrderPaymentEventPayload is the payment request a PaymentOutboxMessage
// carries, as stored in its payload column.
type OrderPaymentEventPayload struct {
	OrderID            kernel.OrderID            `json:"orderId"`
	CustomerID         kernel.CustomerID         `json:"customerId"`
	Price              kernel.Money              `json:"price"`
	CreatedAt          time.Time                 `json:"createdAt"`
	PaymentOrderStatus kernel.PaymentOrderStatus `json:"paymentOrderStatus"`
}

// OrderApprovalOutboxMessage is a row of order_approval_outbox: an approval
// request owed to the restaurant. A saga has at most one.
type OrderApprovalOutboxMessage struct {
	ID          kernel.MessageID
	SagaID      kernel.SagaID
	CreatedAt   time.Time
	ProcessedAt *time.Time
	Type        string
	Payload     OrderApprovalEventPayload
	SagaStatus  saga.Status
	OrderStatus kernel.OrderStatus
	// OutboxStatus is the relay's; the saga never changes it.
	OutboxStatus outbox.Status
	// Resends is how many times the saga deadline published the row again.
	Resends int
	// Version is the optimistic-locking counter the row was read with.
	Version int
}

// OrderApprovalEventPayload is the approval request an
// OrderApprovalOutboxMessage carries, as stored in its payload column.
type OrderApprovalEventPayload struct {
	OrderID               kernel.OrderID               `json:"orderId"`
	RestaurantID          kernel.RestaurantID          `json:"restaurantId"`
	Price                 kernel.Money                 `json:"price"`
	CreatedAt             time.Time                    `json:"createdAt"`
	RestaurantOrderStatus kernel.RestaurantOrderStatus `json:"restaurantOrderStatus"`
	Products              []OrderApprovalEventProduct  `json:"products"`
}

// OrderApprovalEventProduct is one line of an approval request.
type OrderApprovalEventProduct struct {
	ID       kernel.ProductID `json:"id"`
	Quantity int              `json:"quantity"`
}
