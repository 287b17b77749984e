package dataaccess

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
)

// Table names, unqualified: the connection's search_path is the schema.
const (
	paymentsTable      = "payments"
	creditEntryTable   = "credit_entry"
	creditHistoryTable = "credit_history"
	// OrderOutboxTable is the outbox of answers to order-service.
	OrderOutboxTable = "order_outbox"
)

type paymentRow struct {
	ID         uuid.UUID       `gorm:"column:id;primaryKey"`
	CustomerID uuid.UUID       `gorm:"column:customer_id"`
	OrderID    uuid.UUID       `gorm:"column:order_id"`
	Price      decimal.Decimal `gorm:"column:price"`
	CreatedAt  time.Time       `gorm:"column:created_at"`
	Status     string          `gorm:"column:status"`
}

func (paymentRow) TableName() string { return paymentsTable }

type creditEntryRow struct {
	ID                uuid.UUID       `gorm:"column:id;primaryKey"`
	CustomerID        uuid.UUID       `gorm:"column:customer_id"`
	TotalCreditAmount decimal.Decimal `gorm:"column:total_credit_amount"`
	Version           int             `gorm:"column:version"`
}

func (creditEntryRow) TableName() string { return creditEntryTable }

type creditHistoryRow struct {
	ID         uuid.UUID       `gorm:"column:id;primaryKey"`
	CustomerID uuid.UUID       `gorm:"column:customer_id"`
	OrderID    *uuid.UUID      `gorm:"column:order_id"`
	Amount     decimal.Decimal `gorm:"column:amount"`
	Type       string          `gorm:"column:type"`
	CreatedAt  time.Time       `gorm:"column:created_at"`
}

func (creditHistoryRow) TableName() string { return creditHistoryTable }

// creditHistoryTotalsRow is what the database adds up over a customer's
// credit history.
type creditHistoryTotalsRow struct {
	Credits decimal.Decimal `gorm:"column:credits"`
	Debits  decimal.Decimal `gorm:"column:debits"`
}

type orderOutboxRow struct {
	ID                 uuid.UUID       `gorm:"column:id;primaryKey"`
	SagaID             uuid.UUID       `gorm:"column:saga_id"`
	CreatedAt          time.Time       `gorm:"column:created_at"`
	ProcessedAt        *time.Time      `gorm:"column:processed_at"`
	Type               string          `gorm:"column:type"`
	Payload            json.RawMessage `gorm:"column:payload;type:jsonb"`
	OutboxStatus       string          `gorm:"column:outbox_status"`
	PaymentStatus      string          `gorm:"column:payment_status"`
	PaymentOrderStatus string          `gorm:"column:payment_order_status"`
	Version            int             `gorm:"column:version"`
	// TraceParent is the trace of the span that wrote the row (see
	// tracing.TraceParent); the relay publishes it with the message.
	TraceParent *string `gorm:"column:trace_parent"`
	// LeaseUntil reserves a new row for the relay of the instance that
	// writes it (postgres.LeaseUntil); written once, never read.
	LeaseUntil postgres.LeaseValue `gorm:"column:lease_until;->:false;<-:create"`
}

func (orderOutboxRow) TableName() string { return OrderOutboxTable }

// message is the row as its relay publishes it.
func (r orderOutboxRow) message() outbox.Message {
	return postgres.OutboxMessage(r.ID, r.SagaID, r.Type, r.Payload, r.CreatedAt, r.TraceParent)
}
