package dataaccess

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
)

// OrderOutboxTable is the outbox of answers to order-service.
const OrderOutboxTable = "order_outbox"

// restaurantRow is a row of restaurants.
type restaurantRow struct {
	ID     uuid.UUID `gorm:"column:id;primaryKey"`
	Name   string    `gorm:"column:name"`
	Active bool      `gorm:"column:active"`
}

// restaurantProductRow is a restaurant joined with one of its products, or
// with none (the product columns are then NULL).
type restaurantProductRow struct {
	RestaurantID     uuid.UUID        `gorm:"column:restaurant_id"`
	RestaurantName   string           `gorm:"column:restaurant_name"`
	RestaurantActive bool             `gorm:"column:restaurant_active"`
	ProductID        *uuid.UUID       `gorm:"column:product_id"`
	ProductName      *string          `gorm:"column:product_name"`
	ProductPrice     *decimal.Decimal `gorm:"column:product_price"`
	ProductAvailable *bool            `gorm:"column:product_available"`
}

// productRow is a row of products.
type productRow struct {
	ID        uuid.UUID       `gorm:"column:id;primaryKey"`
	Name      string          `gorm:"column:name"`
	Price     decimal.Decimal `gorm:"column:price"`
	Available bool            `gorm:"column:available"`
}

// orderApprovalRow is a row of order_approval.
type orderApprovalRow struct {
	ID              uuid.UUID  `gorm:"column:id;primaryKey"`
	RestaurantID    uuid.UUID  `gorm:"column:restaurant_id"`
	OrderID         uuid.UUID  `gorm:"column:order_id"`
	Status          string     `gorm:"column:status"`
	FailureMessages stringList `gorm:"column:failure_messages"`
}

func (orderApprovalRow) TableName() string { return "order_approval" }

// orderOutboxRow is a row of order_outbox.
type orderOutboxRow struct {
	ID             uuid.UUID       `gorm:"column:id;primaryKey"`
	SagaID         uuid.UUID       `gorm:"column:saga_id"`
	CreatedAt      time.Time       `gorm:"column:created_at"`
	ProcessedAt    *time.Time      `gorm:"column:processed_at"`
	Type           string          `gorm:"column:type"`
	Payload        json.RawMessage `gorm:"column:payload"`
	OutboxStatus   string          `gorm:"column:outbox_status"`
	ApprovalStatus string          `gorm:"column:approval_status"`
	Version        int             `gorm:"column:version"`
	// TraceParent is the trace of the span that wrote the row (see
	// tracing.TraceParent); the relay publishes it with the message.
	TraceParent *string `gorm:"column:trace_parent"`
	// LeaseUntil reserves a new row for the relay of the instance that
	// writes it (postgres.LeaseUntil); written once, never read.
	LeaseUntil postgres.LeaseValue `gorm:"column:lease_until;->:false;<-:create"`
}

func (orderOutboxRow) TableName() string { return OrderOutboxTable }

// stringList is a list of strings kept in a jsonb column; nil is stored as [].
type stringList []string

// Value encodes the list as a JSON array.
func (l stringList) Value() (driver.Value, error) {
	if l == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]string(l))
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// Scan decodes a JSON array.
func (l *stringList) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*l = stringList{}
		return nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("scan %T into a string list", src)
	}
	var out []string
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("decode string list: %w", err)
	}
	if out == nil {
		out = []string{}
	}
	*l = out
	return nil
}

// message is the row as its relay publishes it.
func (r orderOutboxRow) message() outbox.Message {
	return postgres.OutboxMessage(r.ID, r.SagaID, r.Type, r.Payload, r.CreatedAt, r.TraceParent)
}
