package dataaccess

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func rowsFromOrder(o *domain.Order) (orderRow, []orderItemRow, orderAddressRow, error) {
	failures, err := failureMessagesColumn(o)
	if err != nil {
		return orderRow{}, nil, orderAddressRow{}, err
	}
	row := orderRow{
		ID:              o.ID().UUID(),
		CustomerID:      o.CustomerID().UUID(),
		RestaurantID:    o.RestaurantID().UUID(),
		TrackingID:      o.TrackingID().UUID(),
		Price:           o.Price().Decimal(),
		OrderStatus:     string(o.Status()),
		FailureMessages: failures,
		Version:         o.Version(),
	}
	var items []orderItemRow
	for _, it := range o.Items() {
		items = append(items, orderItemRow{
			OrderID:   o.ID().UUID(),
			ID:        int64(it.ID()),
			ProductID: it.Product().ID().UUID(),
			Price:     it.Price().Decimal(),
			Quantity:  it.Quantity(),
			SubTotal:  it.SubTotal().Decimal(),
		})
	}
	a := o.DeliveryAddress()
	address := orderAddressRow{OrderID: o.ID().UUID(), Street: a.Street(), PostalCode: a.PostalCode(), City: a.City()}
	return row, items, address, nil
}

func orderFromRows(row orderRow, itemRows []orderItemRow, address orderAddressRow) (*domain.Order, error) {
	var failures []string
	if err := json.Unmarshal([]byte(row.FailureMessages), &failures); err != nil {
		return nil, fmt.Errorf("order %s: failure messages: %w", row.ID, err)
	}
	items := make([]domain.OrderItem, len(itemRows))
	for i, it := range itemRows {
		var err error
		items[i], err = domain.UnmarshalOrderItemFromDatabase(domain.OrderItemID(it.ID), kernel.IDFromUUID[kernel.ProductID](it.ProductID),
			it.Quantity, kernel.NewMoney(it.Price), kernel.NewMoney(it.SubTotal))
		if err != nil {
			return nil, fmt.Errorf("order %s: %w", row.ID, err)
		}
	}
	delivery, err := domain.UnmarshalStreetAddressFromDatabase(address.Street, address.PostalCode, address.City)
	if err != nil {
		return nil, fmt.Errorf("order %s: address: %w", row.ID, err)
	}
	return domain.UnmarshalOrderFromDatabase(
		kernel.IDFromUUID[kernel.OrderID](row.ID),
		kernel.IDFromUUID[kernel.CustomerID](row.CustomerID),
		kernel.IDFromUUID[kernel.RestaurantID](row.RestaurantID),
		delivery,
		kernel.NewMoney(row.Price),
		items,
		kernel.IDFromUUID[kernel.TrackingID](row.TrackingID),
		kernel.OrderStatus(row.OrderStatus), // UnmarshalOrderFromDatabase checks it
		failures,
		row.Version,
	)
}

func rowFromPaymentOutbox(m *application.PaymentOutboxMessage) (paymentOutboxRow, error) {
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

func rowFromApprovalOutbox(m *application.OrderApprovalOutboxMessage) (approvalOutboxRow, error) {
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
		Resends:      m.Resends,
		Version:      m.Version,
	}, RestaurantOrderStatus: string(m.RestaurantOrderStatus)}, nil
}

func approvalOutboxFromRow(row approvalOutboxRow) (*application.OrderApprovalOutboxMessage, error) {
	c, err := decodeOutboxColumns(row.Outbox)
	if err != nil {
		return nil, err
	}
	tells, err := kernel.ParseStatus[kernel.RestaurantOrderStatus](row.RestaurantOrderStatus)
	if err != nil {
		return nil, fmt.Errorf("approval outbox message %s: %w", row.Outbox.ID, err)
	}
	m := &application.OrderApprovalOutboxMessage{
		ID: c.id, SagaID: c.sagaID, CreatedAt: row.Outbox.CreatedAt.UTC(), ProcessedAt: utc(row.Outbox.ProcessedAt), Type: row.Outbox.Type,
		SagaStatus: c.sagaStatus, OrderStatus: c.orderStatus, OutboxStatus: c.outboxStatus, RestaurantOrderStatus: tells,
		Resends: row.Outbox.Resends, Version: row.Outbox.Version,
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

func mapRows[R any, M any](rows []R, fromRow func(R) (M, error)) ([]M, error) {
	msgs := make([]M, 0, len(rows))
	for _, row := range rows {
		m, err := fromRow(row)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// failureMessagesColumn encodes the order's failure messages as the JSON
// array failure_messages holds; no messages is [], never null.
func failureMessagesColumn(o *domain.Order) (string, error) {
	messages := o.FailureMessages()
	if messages == nil {
		messages = []string{}
	}
	b, err := json.Marshal(messages)
	if err != nil {
		return "", fmt.Errorf("encode failure messages of order %s: %w", o.ID(), err)
	}
	return string(b), nil
}

// sagaHistoriesFromRows gives each order its saga's requests; requests are
// oldest first.
func sagaHistoriesFromRows(orders []sagaOrderRow, requests []sagaRequestRow) ([]*application.OrderSagaHistory, error) {
	histories := make([]*application.OrderSagaHistory, len(orders))
	byOrder := make(map[string]*application.OrderSagaHistory, len(orders))
	for i, o := range orders {
		h, err := sagaHistoryFromRow(o)
		if err != nil {
			return nil, err
		}
		histories[i], byOrder[o.ID.String()] = h, h
	}
	for _, row := range requests {
		h := byOrder[row.OrderID]
		if h == nil {
			continue
		}
		request, err := sagaRequestFromRow(row)
		if err != nil {
			return nil, kernel.Internal(err, "saga row of order %s is not readable", row.OrderID)
		}
		switch row.Kind {
		case kindApproval:
			h.Approval = request
		case kindRestaurantCancellation:
			h.RestaurantCancellation = request
		case kindRefund:
			h.Refund = request
		default:
			h.Payment = request
		}
	}
	return histories, nil
}

func sagaHistoryFromRow(row sagaOrderRow) (*application.OrderSagaHistory, error) {
	status, err := kernel.ParseStatus[kernel.OrderStatus](row.OrderStatus)
	if err != nil {
		return nil, kernel.Internal(err, "order %s is not readable", row.ID)
	}
	var failures []string
	if err := json.Unmarshal([]byte(row.FailureMessages), &failures); err != nil {
		return nil, kernel.Internal(err, "failure messages of order %s are not readable", row.ID)
	}
	return &application.OrderSagaHistory{
		OrderID:         kernel.IDFromUUID[kernel.OrderID](row.ID),
		OrderTrackingID: kernel.IDFromUUID[kernel.TrackingID](row.TrackingID),
		OrderStatus:     status,
		FailureMessages: failures,
		CreatedAt:       row.CreatedAt.UTC(),
		UpdatedAt:       row.UpdatedAt.UTC(),
	}, nil
}

func sagaRequestFromRow(row sagaRequestRow) (*application.SagaRequestRecord, error) {
	outboxStatus, err := outbox.ParseStatus(row.OutboxStatus)
	if err != nil {
		return nil, err
	}
	sagaStatus, err := saga.ParseStatus(row.SagaStatus)
	if err != nil {
		return nil, err
	}
	return &application.SagaRequestRecord{
		CreatedAt:    row.CreatedAt.UTC(),
		PublishedAt:  utc(row.ProcessedAt),
		OutboxStatus: outboxStatus,
		SagaStatus:   sagaStatus,
		Resends:      row.Resends,
	}, nil
}

func orderStatusStrings(statuses []kernel.OrderStatus) []string {
	out := make([]string, len(statuses))
	for i, s := range statuses {
		out[i] = string(s)
	}
	return out
}
