// Package contract is the published language of the order saga: the topics
// and the four messages that the services exchange over Kafka, as JSON.
//
// Every message carries ID, the id of the outbox row it was published from
// (stable across re-sends, so a consumer can recognise a duplicate), and
// SagaID, which is also the Kafka key: one saga's messages stay in order on
// one partition.
package contract

import (
	"time"

	"github.com/google/uuid"

	"github.com/food-ordering-system/common/kernel"
)

// The saga's topics.
const (
	TopicPaymentRequest             = "payment-request"
	TopicPaymentResponse            = "payment-response"
	TopicRestaurantApprovalRequest  = "restaurant-approval-request"
	TopicRestaurantApprovalResponse = "restaurant-approval-response"
)

// Topics lists every saga topic, for topic creation.
var Topics = []string{
	TopicPaymentRequest,
	TopicPaymentResponse,
	TopicRestaurantApprovalRequest,
	TopicRestaurantApprovalResponse,
}

// PaymentRequest asks payment-service to take (PENDING) or give back
// (CANCELLED) the price of an order.
type PaymentRequest struct {
	ID                 uuid.UUID                 `json:"id"`
	SagaID             uuid.UUID                 `json:"sagaId"`
	CustomerID         uuid.UUID                 `json:"customerId"`
	OrderID            uuid.UUID                 `json:"orderId"`
	Price              kernel.Money              `json:"price"`
	CreatedAt          time.Time                 `json:"createdAt"`
	PaymentOrderStatus kernel.PaymentOrderStatus `json:"paymentOrderStatus"`
}

// PaymentResponse is payment-service's answer to a PaymentRequest.
type PaymentResponse struct {
	ID              uuid.UUID            `json:"id"`
	SagaID          uuid.UUID            `json:"sagaId"`
	PaymentID       uuid.UUID            `json:"paymentId"`
	CustomerID      uuid.UUID            `json:"customerId"`
	OrderID         uuid.UUID            `json:"orderId"`
	Price           kernel.Money         `json:"price"`
	CreatedAt       time.Time            `json:"createdAt"`
	PaymentStatus   kernel.PaymentStatus `json:"paymentStatus"`
	FailureMessages []string             `json:"failureMessages"`
}

// Product is one line of an approval request: which product, how many.
type Product struct {
	ID       uuid.UUID `json:"id"`
	Quantity int       `json:"quantity"`
}

// RestaurantApprovalRequest asks a restaurant to approve a paid order
// (RestaurantOrderStatus PAID), or tells it that an order whose approval was
// asked was cancelled (CANCELLED: the saga stopped waiting for the answer,
// or the approval came after the cancellation). A cancellation names the
// same order, restaurant, products and price as the request, carries a
// message id of its own, and is not answered.
type RestaurantApprovalRequest struct {
	ID                    uuid.UUID                    `json:"id"`
	SagaID                uuid.UUID                    `json:"sagaId"`
	RestaurantID          uuid.UUID                    `json:"restaurantId"`
	OrderID               uuid.UUID                    `json:"orderId"`
	RestaurantOrderStatus kernel.RestaurantOrderStatus `json:"restaurantOrderStatus"`
	Products              []Product                    `json:"products"`
	Price                 kernel.Money                 `json:"price"`
	CreatedAt             time.Time                    `json:"createdAt"`
}

// RestaurantApprovalResponse is the restaurant's answer.
type RestaurantApprovalResponse struct {
	ID                  uuid.UUID                  `json:"id"`
	SagaID              uuid.UUID                  `json:"sagaId"`
	RestaurantID        uuid.UUID                  `json:"restaurantId"`
	OrderID             uuid.UUID                  `json:"orderId"`
	CreatedAt           time.Time                  `json:"createdAt"`
	OrderApprovalStatus kernel.OrderApprovalStatus `json:"orderApprovalStatus"`
	FailureMessages     []string                   `json:"failureMessages"`
}
