package application

//go:generate mockgen -source=ports.go -destination=mocks/ports.go -package=mocks

import (
	"context"
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/domain"
)

// OrderApplicationService is the input port of the REST adapter.
type OrderApplicationService interface {
	// CreateOrder validates and saves a new PENDING order and requests its
	// payment.
	CreateOrder(ctx context.Context, cmd CreateOrderCommand) (CreateOrderResponse, error)
	// TrackOrder tells where an order stands.
	TrackOrder(ctx context.Context, query TrackOrderQuery) (TrackOrderResponse, error)
}

// OrderSagaQueryService is the input port of the saga's read side, for the
// people who run the system: the REST adapter shows one order's saga step by
// step and the sagas that wait too long; the metrics count the latter.
type OrderSagaQueryService interface {
	// OrderTimeline lists the steps of an order's saga in the order they
	// happened; an unknown tracking id is a kernel.ECodeNotFound error.
	OrderTimeline(ctx context.Context, query OrderTimelineQuery) (OrderTimelineResponse, error)
	// StuckSagas lists, oldest first, the orders still in a status that is
	// not final (PENDING, PAID, CANCELLING) that were placed longer ago than
	// the stuck threshold, with what each waits for.
	StuckSagas(ctx context.Context, query StuckSagasQuery) (StuckSagasResponse, error)
	// CountStuckSagas counts the same orders by status, with every status
	// that is not final present, at 0 when none is stuck in it.
	CountStuckSagas(ctx context.Context) (map[kernel.OrderStatus]int, error)
}

// PaymentResponseMessageListener is the input port of the payment-response
// listener.
type PaymentResponseMessageListener interface {
	// PaymentCompleted handles a COMPLETED payment.
	PaymentCompleted(ctx context.Context, response PaymentResponse) error
	// PaymentCancelled handles a CANCELLED (refunded) or FAILED payment.
	PaymentCancelled(ctx context.Context, response PaymentResponse) error
}

// RestaurantApprovalResponseMessageListener is the input port of the
// restaurant-approval-response listener.
type RestaurantApprovalResponseMessageListener interface {
	// OrderApproved handles an APPROVED order.
	OrderApproved(ctx context.Context, response RestaurantApprovalResponse) error
	// OrderRejected handles a REJECTED order.
	OrderRejected(ctx context.Context, response RestaurantApprovalResponse) error
}

// Transactor runs fn in one database transaction carried by ctx; the
// repositories called with that ctx take part in it. fn's error rolls back.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// OrderRepository stores orders.
type OrderRepository interface {
	// Insert stores a new order with its items and address.
	Insert(ctx context.Context, order *domain.Order) error
	// Update stores the order's status and failure messages, if its version
	// is still the one it was loaded with; otherwise it returns a
	// kernel.ECodeConflict error.
	Update(ctx context.Context, order *domain.Order) error
	// FindByID returns the order, or kernel.ErrNotFound.
	FindByID(ctx context.Context, id kernel.OrderID) (*domain.Order, error)
	// FindByTrackingID returns the order, or kernel.ErrNotFound.
	FindByTrackingID(ctx context.Context, id kernel.TrackingID) (*domain.Order, error)
}

// SagaHistoryRepository reads what the sagas left in the tables, for the
// saga's read side; it never writes.
type SagaHistoryRepository interface {
	// FindByTrackingID returns the order's saga history, or kernel.ErrNotFound.
	FindByTrackingID(ctx context.Context, id kernel.TrackingID) (*OrderSagaHistory, error)
	// FindByStatusOlderThan returns, oldest first, up to limit orders in one
	// of statuses placed more than age ago by the database's clock, with
	// their histories.
	FindByStatusOlderThan(ctx context.Context, statuses []kernel.OrderStatus, age time.Duration, limit int) ([]*OrderSagaHistory, error)
	// CountByStatusOlderThan counts the orders in each of statuses placed
	// more than age ago by the database's clock; a status without any is
	// absent.
	CountByStatusOlderThan(ctx context.Context, statuses []kernel.OrderStatus, age time.Duration) (map[kernel.OrderStatus]int, error)
}

// SagaMetrics counts the sagas that end. SagaEnded is called inside the
// transaction that ends the saga: the adapter counts the end only once that
// transaction has committed, so that a step rolled back and handled again
// (a batch of replies replayed one by one) counts once.
type SagaMetrics interface {
	// SagaEnded reports a saga ending with its order in orderStatus and the
	// saga in sagaStatus; startedAt is when the order was placed.
	SagaEnded(ctx context.Context, orderStatus kernel.OrderStatus, sagaStatus saga.Status, startedAt time.Time)
}

// CustomerRepository reads the customer read model.
type CustomerRepository interface {
	// FindCustomer returns the customer, or kernel.ErrNotFound.
	FindCustomer(ctx context.Context, id kernel.CustomerID) (*domain.Customer, error)
}

// RestaurantRepository reads the restaurant read model.
type RestaurantRepository interface {
	// FindRestaurantInformation returns the restaurant with its whole
	// catalog, or kernel.ErrNotFound.
	FindRestaurantInformation(ctx context.Context, id kernel.RestaurantID) (*domain.Restaurant, error)
}

// PaymentOutboxRepository stores payment_outbox rows.
type PaymentOutboxRepository interface {
	// Save inserts a new row. A second row of the same saga asking the same
	// (payment order status) is refused with a kernel.ECodeConflict error.
	Save(ctx context.Context, msg *PaymentOutboxMessage) error
	// Update stores the row's order and saga status, if its version is still
	// the one it was read with; otherwise it returns a kernel.ECodeConflict
	// error. A row no relay has published yet (STARTED) is withdrawn in the
	// same statement: the saga has moved past it. A published row keeps its
	// relay columns.
	Update(ctx context.Context, msg *PaymentOutboxMessage) error
	// FindBySagaIDAndSagaStatus returns the saga's rows (of type
	// saga.OrderSagaName) whose saga status is one of statuses, oldest
	// first; none is an empty result, not an error.
	FindBySagaIDAndSagaStatus(ctx context.Context, sagaID kernel.SagaID, statuses ...saga.Status) ([]*PaymentOutboxMessage, error)
	// FindOverdue returns up to limit rows still waiting for an answer that
	// were published long enough ago, by the database's clock, oldest first:
	// a payment request (saga STARTED) published more than replyTimeout ago,
	// a refund request (saga COMPENSATING) published more than replyTimeout
	// doubled for each resend, at most maxInterval, ago. A row not published
	// yet is never overdue.
	FindOverdue(ctx context.Context, replyTimeout, maxInterval time.Duration, limit int) ([]*PaymentOutboxMessage, error)
	// Resend hands the row back to the relay (STARTED, same id), counts the
	// resend and wakes the relay, if its version is still the one it was read
	// with; otherwise it returns a kernel.ECodeConflict error.
	Resend(ctx context.Context, msg *PaymentOutboxMessage) error
}

// ApprovalOutboxRepository stores order_approval_outbox rows.
type ApprovalOutboxRepository interface {
	// Save inserts a new row. A second row of the same saga telling the same
	// (restaurant order status) is refused with kernel.ErrDuplicate.
	Save(ctx context.Context, msg *OrderApprovalOutboxMessage) error
	// Update stores the row's order and saga status, if its version is still
	// the one it was read with; otherwise it returns a kernel.ECodeConflict
	// error. An approval request no relay has published yet (STARTED) is
	// withdrawn in the same statement: the saga has moved past it.
	Update(ctx context.Context, msg *OrderApprovalOutboxMessage) error
	// FindBySagaIDAndSagaStatus returns the saga's approval request (of type
	// saga.OrderSagaName, asking PAID) if its saga status is one of
	// statuses, or kernel.ErrNotFound.
	FindBySagaIDAndSagaStatus(ctx context.Context, sagaID kernel.SagaID, statuses ...saga.Status) (*OrderApprovalOutboxMessage, error)
	// FindOverdue returns up to limit approval requests still waiting for the
	// restaurant (PROCESSING) that were published more than replyTimeout
	// ago by the database's clock, oldest first. A request not published yet
	// is never overdue.
	FindOverdue(ctx context.Context, replyTimeout time.Duration, limit int) ([]*OrderApprovalOutboxMessage, error)
	// Resend hands the row back to the relay (STARTED, same id), counts the
	// resend and wakes the relay, if its version is still the one it was read
	// with; otherwise it returns a kernel.ECodeConflict error.
	Resend(ctx context.Context, msg *OrderApprovalOutboxMessage) error
}

// PaymentRequestMessagePublisher sends payment_outbox rows to payment-service.
// It reports one result per message, nil where the broker acknowledged it.
type PaymentRequestMessagePublisher interface {
	Publish(ctx context.Context, batch []outbox.Message) []error
}

// RestaurantApprovalRequestMessagePublisher sends order_approval_outbox rows
// to the restaurants. It reports one result per message, nil where the broker
// acknowledged it.
type RestaurantApprovalRequestMessagePublisher interface {
	Publish(ctx context.Context, batch []outbox.Message) []error
}

// IdempotencyKeyRepository remembers the idempotency keys of created orders,
// per customer.
type IdempotencyKeyRepository interface {
	// Insert stores the key in the transaction carried by ctx, with the
	// order it created; a key the customer already stored is refused with
	// kernel.ErrDuplicate.
	Insert(ctx context.Context, key IdempotencyKey) error
	// FindByKey returns the customer's stored key, or kernel.ErrNotFound.
	FindByKey(ctx context.Context, customerID kernel.CustomerID, key string) (*IdempotencyKey, error)
	// DeleteExpired removes at most limit keys stored longer ago than
	// retention, by the database's clock, oldest first, and says how many
	// it removed.
	DeleteExpired(ctx context.Context, retention time.Duration, limit int) (int64, error)
}
