package dataaccess

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/saga"
	"github.com/food-ordering-system/order-service/internal/application"
)

func paymentOutboxToRow(m *application.PaymentOutboxMessage) (paymentOutboxRow, error) {
	payload, err := json.Marshal(m.Payload)
	if err != nil {
		return paymentOutboxRow{}, fmt.Errorf("encode payload of payment outbox message %s: %w", m.ID, err)
	}
	return paymentOutboxRow{
		Outbox: outboxColumns{
			ID:           m.ID.UUID(),
			SagaID:       m.SagaID.UUID(),
			CreatedAt:    m.CreatedAt,
			ProcessedAt:  m.ProcessedAt,
			Type:         m.Type,
			Payload:      string(payload),
			OutboxStatus: string(m.OutboxStatus),
			SagaStatus:   string(m.SagaStatus),
			OrderStatus:  string(m.OrderStatus),
			Resends:      m.Resends,
			Version:      m.Version,
		},
		PaymentOrderStatus: string(m.PaymentOrderStatus),
	}, nil
}

func paymentOutboxFromRow(row paymentOutboxRow) (*application.PaymentOutboxMessage, error) {
	c, err := decodeOutboxColumns(row.Outbox)
	if err != nil {
		return nil, err
	}
	asks, err := kernel.ParseStatus[kernel.PaymentOrderStatus](row.PaymentOrderStatus)
	if err != nil {
		return nil, fmt.Errorf("payment outbox message %s: %w", row.Outbox.ID, err)
	}
	m := &application.PaymentOutboxMessage{
		ID: c.id, SagaID: c.sagaID, CreatedAt: row.Outbox.CreatedAt.UTC(), ProcessedAt: utc(row.Outbox.ProcessedAt), Type: row.Outbox.Type,
		SagaStatus: c.sagaStatus, OrderStatus: c.orderStatus, OutboxStatus: c.outboxStatus,
		PaymentOrderStatus: asks, Resends: row.Outbox.Resends, Version: row.Outbox.Version,
	}
	if err := json.Unmarshal([]byte(row.Outbox.Payload), &m.Payload); err != nil {
		return nil, fmt.Errorf("payment outbox message %s: payload: %w", row.Outbox.ID, err)
	}
	return m, nil
}

func approvalOutboxToRow(m *application.OrderApprovalOutboxMessage) (approvalOutboxRow, error) {
	payload, err := json.Marshal(m.Payload)
	if err != nil {
		return approvalOutboxRow{}, fmt.Errorf("encode payload of approval outbox message %s: %w", m.ID, err)
	}
	return approvalOutboxRow{Outbox: outboxColumns{
		ID:           m.ID.UUID(),
		SagaID:       m.SagaID.UUID(),
		CreatedAt:    m.CreatedAt,
		ProcessedAt:  m.ProcessedAt,
		Type:         m.Type,
		Payload:      string(payload),
		OutboxStatus: string(m.OutboxStatus),
		SagaStatus:   string(m.SagaStatus),
		OrderStatus:  string(m.OrderStatus),
		Version:      m.Version,
	}}, nil
}

func approvalOutboxFromRow(row approvalOutboxRow) (*application.OrderApprovalOutboxMessage, error) {
	c, err := decodeOutboxColumns(row.Outbox)
	if err != nil {
		return nil, err
	}
	m := &application.OrderApprovalOutboxMessage{
		ID: c.id, SagaID: c.sagaID, CreatedAt: row.Outbox.CreatedAt.UTC(), ProcessedAt: utc(row.Outbox.ProcessedAt), Type: row.Outbox.Type,
		SagaStatus: c.sagaStatus, OrderStatus: c.orderStatus, OutboxStatus: c.outboxStatus, Resends: row.Outbox.Resends, Version: row.Outbox.Version,
	}
	if err := json.Unmarshal([]byte(row.Outbox.Payload), &m.Payload); err != nil {
		return nil, fmt.Errorf("approval outbox message %s: payload: %w", row.Outbox.ID, err)
	}
	return m, nil
}

// decodedColumns are the typed values of the shared outbox columns.
type decodedColumns struct {
	id           kernel.MessageID
	sagaID       kernel.SagaID
	sagaStatus   saga.Status
	orderStatus  kernel.OrderStatus
	outboxStatus outbox.Status
}

func decodeOutboxColumns(c outboxColumns) (decodedColumns, error) {
	sagaStatus, err := saga.ParseStatus(c.SagaStatus)
	if err != nil {
		return decodedColumns{}, fmt.Errorf("outbox message %s: %w", c.ID, err)
	}
	orderStatus, err := kernel.ParseStatus[kernel.OrderStatus](c.OrderStatus)
	if err != nil {
		return decodedColumns{}, fmt.Errorf("outbox message %s: %w", c.ID, err)
	}
	outboxStatus, err := outbox.ParseStatus(c.OutboxStatus)
	if err != nil {
		return decodedColumns{}, fmt.Errorf("outbox message %s: %w", c.ID, err)
	}
	return decodedColumns{
		id:           kernel.IDFromUUID[kernel.MessageID](c.ID),
		sagaID:       kernel.IDFromUUID[kernel.SagaID](c.SagaID),
		sagaStatus:   sagaStatus,
		orderStatus:  orderStatus,
		outboxStatus: outboxStatus,
	}, nil
}

func statusStrings(statuses []saga.Status) []string {
	out := make([]string, len(statuses))
	for i, s := range statuses {
		out[i] = string(s)
	}
	return out
}

// utc returns t in UTC: the driver reads timestamptz in the local zone.
func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
