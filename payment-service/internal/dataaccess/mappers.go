package dataaccess

import (
	"encoding/json"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

func rowFromPayment(p *domain.Payment) paymentRow {
	return paymentRow{
		ID:         p.ID().UUID(),
		CustomerID: p.CustomerID().UUID(),
		OrderID:    p.OrderID().UUID(),
		Price:      p.Price().Decimal(),
		CreatedAt:  p.CreatedAt(),
		Status:     string(p.Status()),
	}
}

func paymentFromRow(r paymentRow) (*domain.Payment, error) {
	return domain.UnmarshalPaymentFromDatabase(kernel.IDFromUUID[kernel.PaymentID](r.ID), kernel.IDFromUUID[kernel.OrderID](r.OrderID),
		kernel.IDFromUUID[kernel.CustomerID](r.CustomerID), kernel.NewMoney(r.Price), kernel.PaymentStatus(r.Status), r.CreatedAt)
}

func creditEntryFromRow(r creditEntryRow) (*domain.CreditEntry, error) {
	return domain.UnmarshalCreditEntryFromDatabase(kernel.IDFromUUID[kernel.CreditEntryID](r.ID),
		kernel.IDFromUUID[kernel.CustomerID](r.CustomerID), kernel.NewMoney(r.TotalCreditAmount))
}

func rowFromCreditHistory(h *domain.CreditHistory) creditHistoryRow {
	row := creditHistoryRow{
		ID:         h.ID().UUID(),
		CustomerID: h.CustomerID().UUID(),
		Amount:     h.Amount().Decimal(),
		Type:       string(h.TransactionType()),
		CreatedAt:  h.CreatedAt(),
	}
	if !h.OrderID().IsZero() {
		orderID := h.OrderID().UUID()
		row.OrderID = &orderID
	}
	return row
}

func creditHistoryFromRow(r creditHistoryRow) (*domain.CreditHistory, error) {
	var orderID kernel.OrderID
	if r.OrderID != nil {
		orderID = kernel.IDFromUUID[kernel.OrderID](*r.OrderID)
	}
	return domain.UnmarshalCreditHistoryFromDatabase(kernel.IDFromUUID[kernel.CreditHistoryID](r.ID), kernel.IDFromUUID[kernel.CustomerID](r.CustomerID),
		orderID, kernel.NewMoney(r.Amount), domain.TransactionType(r.Type), r.CreatedAt)
}

func rowFromOrderOutbox(m application.OrderOutboxMessage) (orderOutboxRow, error) {
	payload, err := json.Marshal(m.Payload)
	if err != nil {
		return orderOutboxRow{}, fmt.Errorf("encode payload of outbox message %s: %w", m.ID, err)
	}
	return orderOutboxRow{
		ID:                 m.ID.UUID(),
		SagaID:             m.SagaID.UUID(),
		CreatedAt:          m.CreatedAt,
		ProcessedAt:        m.ProcessedAt,
		Type:               m.Type,
		Payload:            payload,
		OutboxStatus:       string(m.OutboxStatus),
		PaymentStatus:      string(m.PaymentStatus),
		PaymentOrderStatus: string(m.PaymentOrderStatus),
		Version:            m.Version,
	}, nil
}
