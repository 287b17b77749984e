package application

//go:generate mockgen -source=ports.go -destination=mocks/ports.go -package=mocks

import (
	"context"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

// Input ports.

// RestaurantApprovalRequestMessageListener is driven by the messaging adapter
// for every approval request order-service sends.
type RestaurantApprovalRequestMessageListener interface {
	// ApproveOrder decides the request and stores the answer with its outbox
	// row; a request the restaurant cannot accept is answered REJECTED.
	// Delivering the same request again changes nothing. An error with code
	// kernel.ECodeInvalid means the request can never be answered (it names
	// no saga or no order); other errors are worth a retry.
	ApproveOrder(ctx context.Context, request RestaurantApprovalRequest) error
	// CancelOrder records that order-service cancelled the order after it
	// asked for its approval: an approval becomes CANCELLED, and an order
	// not decided yet is recorded CANCELLED so that its approval request,
	// should it still arrive, is rejected. Nothing is answered.
	CancelOrder(ctx context.Context, request RestaurantApprovalRequest) error
}

// OrderApprovalTracker is driven by the REST adapter.
type OrderApprovalTracker interface {
	// TrackOrderApproval returns the restaurant's answer for an order, or an
	// error with code kernel.ECodeNotFound when there is none (yet).
	TrackOrderApproval(ctx context.Context, query TrackOrderApprovalQuery) (TrackOrderApprovalResponse, error)
}

// Output ports.

// Transactor runs fn in one database transaction carried by ctx; the
// repositories called with that ctx join it. fn's error rolls back.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// RestaurantRepository reads restaurants with their catalogs.
type RestaurantRepository interface {
	// FindRestaurantInformation loads the restaurant with those of productIDs
	// it offers; products it does not offer are simply absent. An unknown
	// restaurant is kernel.ErrNotFound.
	FindRestaurantInformation(ctx context.Context, restaurantID kernel.RestaurantID, productIDs []kernel.ProductID) (*domain.Restaurant, error)
}

// OrderApprovalRepository stores the restaurants' answers, one per order.
type OrderApprovalRepository interface {
	// Save inserts the approval; an approval for the same order already stored
	// is kernel.ErrDuplicate.
	Save(ctx context.Context, approval *domain.OrderApproval) error
	// FindByOrderID returns the approval of the order, or kernel.ErrNotFound.
	FindByOrderID(ctx context.Context, orderID kernel.OrderID) (*domain.OrderApproval, error)
	// FindByOrderIDForUpdate is FindByOrderID with the row locked until the
	// transaction ends, so that a cancellation and an approval of the same
	// order take turns.
	FindByOrderIDForUpdate(ctx context.Context, orderID kernel.OrderID) (*domain.OrderApproval, error)
	// Update stores the approval's status.
	Update(ctx context.Context, approval *domain.OrderApproval) error
}

// OrderOutboxRepository writes and looks up answers in the order_outbox table.
type OrderOutboxRepository interface {
	// Save inserts the message; a message for the same saga already stored is
	// kernel.ErrDuplicate.
	Save(ctx context.Context, message OrderOutboxMessage) error
	// ResendBySagaID hands the saga's answer, whatever became of it
	// (published, parked), back to the relay under its message id, and
	// reports whether the saga had one; none is false, not an error.
	ResendBySagaID(ctx context.Context, sagaID kernel.SagaID) (bool, error)
}

// RestaurantApprovalResponseMessagePublisher sends order_outbox rows to
// order-service as approval responses (see outbox.Publisher): one result per
// message, nil when the broker acknowledged it.
type RestaurantApprovalResponseMessagePublisher interface {
	Publish(ctx context.Context, batch []outbox.Message) []error
}

// The scheduler hands the publisher to the infrastructure relay.
var _ outbox.Publisher = RestaurantApprovalResponseMessagePublisher(nil)
