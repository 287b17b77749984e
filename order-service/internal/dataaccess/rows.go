package dataaccess

import (
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
)

// PaymentOutboxTable is the outbox of payment requests (see migrations).
const PaymentOutboxTable = "payment_outbox"

// OrderApprovalOutboxTable is the outbox of restaurant approval requests.
const OrderApprovalOutboxTable = "order_approval_outbox"

const (
	tableCustomers       = "customers"
	tableIdempotencyKeys = "idempotency_keys"
)

type orderRow struct {
	ID              uuid.UUID       `gorm:"column:id;primaryKey"`
	CustomerID      uuid.UUID       `gorm:"column:customer_id"`
	RestaurantID    uuid.UUID       `gorm:"column:restaurant_id"`
	TrackingID      uuid.UUID       `gorm:"column:tracking_id"`
	Price           decimal.Decimal `gorm:"column:price"`
	OrderStatus     string          `gorm:"column:order_status"`
	FailureMessages string          `gorm:"column:failure_messages"`
	Version         int             `gorm:"column:version"`
}

type orderItemRow struct {
	OrderID   uuid.UUID       `gorm:"column:order_id;primaryKey" json:"order_id"`
	ID        int64           `gorm:"column:id;primaryKey" json:"id"`
	ProductID uuid.UUID       `gorm:"column:product_id" json:"product_id"`
	Price     decimal.Decimal `gorm:"column:price" json:"price"`
	Quantity  int             `gorm:"column:quantity" json:"quantity"`
	SubTotal  decimal.Decimal `gorm:"column:sub_total" json:"sub_total"`
}

type orderAddressRow struct {
	OrderID    uuid.UUID `gorm:"column:order_id;primaryKey"`
	Street     string    `gorm:"column:street"`
	PostalCode string    `gorm:"column:postal_code"`
	City       string    `gorm:"column:city"`
}

// orderWithParts is an order read with its address and, as a JSON array, its
// items, in one query.
type orderWithParts struct {
	ID              uuid.UUID       `gorm:"column:id"`
	CustomerID      uuid.UUID       `gorm:"column:customer_id"`
	RestaurantID    uuid.UUID       `gorm:"column:restaurant_id"`
	TrackingID      uuid.UUID       `gorm:"column:tracking_id"`
	Price           decimal.Decimal `gorm:"column:price"`
	OrderStatus     string          `gorm:"column:order_status"`
	FailureMessages string          `gorm:"column:failure_messages"`
	Version         int             `gorm:"column:version"`
	Street          string          `gorm:"column:street"`
	PostalCode      string          `gorm:"column:postal_code"`
	City            string          `gorm:"column:city"`
	Items           string          `gorm:"column:items"`
}

// outboxColumns are the columns both outbox tables share.
type outboxColumns struct {
	ID           uuid.UUID  `gorm:"column:id;primaryKey"`
	SagaID       uuid.UUID  `gorm:"column:saga_id"`
	CreatedAt    time.Time  `gorm:"column:created_at"`
	ProcessedAt  *time.Time `gorm:"column:processed_at"`
	Type         string     `gorm:"column:type"`
	Payload      string     `gorm:"column:payload"`
	OutboxStatus string     `gorm:"column:outbox_status"`
	SagaStatus   string     `gorm:"column:saga_status"`
	OrderStatus  string     `gorm:"column:order_status"`
	Resends      int        `gorm:"column:resends"`
	Version      int        `gorm:"column:version"`
	// TraceParent is the trace of the span that wrote the row (see
	// tracing.TraceParent); the relay publishes it with the message.
	TraceParent *string `gorm:"column:trace_parent"`
	// LeaseUntil reserves a new row for the relay of the instance that
	// writes it (postgres.LeaseUntil); written once, never read.
	LeaseUntil postgres.LeaseValue `gorm:"column:lease_until;->:false;<-:create"`
}

// message is the row as its relay publishes it.
func (c outboxColumns) message() outbox.Message {
	return postgres.OutboxMessage(c.ID, c.SagaID, c.Type, []byte(c.Payload), c.CreatedAt, c.TraceParent)
}

type paymentOutboxRow struct {
	Outbox             outboxColumns `gorm:"embedded"`
	PaymentOrderStatus string        `gorm:"column:payment_order_status"`
}

func (paymentOutboxRow) TableName() string { return PaymentOutboxTable }

type approvalOutboxRow struct {
	Outbox                outboxColumns `gorm:"embedded"`
	RestaurantOrderStatus string        `gorm:"column:restaurant_order_status"`
}

func (approvalOutboxRow) TableName() string { return OrderApprovalOutboxTable }

type customerRow struct {
	ID uuid.UUID `gorm:"column:id;primaryKey"`
}

func (customerRow) TableName() string { return tableCustomers }

// restaurantProductRow is one line of the restaurant catalog query.
type restaurantProductRow struct {
	RestaurantID uuid.UUID           `gorm:"column:restaurant_id"`
	Active       bool                `gorm:"column:active"`
	ProductID    *uuid.UUID          `gorm:"column:product_id"`
	ProductName  *string             `gorm:"column:product_name"`
	ProductPrice decimal.NullDecimal `gorm:"column:product_price"`
}

// idempotencyKeyRow is a client's Idempotency-Key and the order it created.
type idempotencyKeyRow struct {
	OrderID        uuid.UUID `gorm:"column:order_id;primaryKey"`
	CustomerID     uuid.UUID `gorm:"column:customer_id"`
	IdempotencyKey string    `gorm:"column:idempotency_key"`
	RequestHash    string    `gorm:"column:request_hash"`
	TrackingID     uuid.UUID `gorm:"column:tracking_id"`
	OrderStatus    string    `gorm:"column:order_status"`
	CreatedAt      time.Time `gorm:"column:created_at"`
}

func (idempotencyKeyRow) TableName() string { return tableIdempotencyKeys }

// sagaOrderRow is what a saga's history reads of its order.
type sagaOrderRow struct {
	ID              uuid.UUID `gorm:"column:id"`
	TrackingID      uuid.UUID `gorm:"column:tracking_id"`
	OrderStatus     string    `gorm:"column:order_status"`
	FailureMessages string    `gorm:"column:failure_messages"`
	CreatedAt       time.Time `gorm:"column:created_at"`
	UpdatedAt       time.Time `gorm:"column:updated_at"`
}

// sagaRequestRow is one outbox row of a saga, live or archived, as its
// history reads it. Kind says which of the saga's requests it is (see
// SagaHistoryRepository.withRequests).
type sagaRequestRow struct {
	OrderID      string     `gorm:"column:order_id"`
	Kind         string     `gorm:"column:kind"`
	CreatedAt    time.Time  `gorm:"column:created_at"`
	ProcessedAt  *time.Time `gorm:"column:processed_at"`
	OutboxStatus string     `gorm:"column:outbox_status"`
	SagaStatus   string     `gorm:"column:saga_status"`
	Resends      int        `gorm:"column:resends"`
}
