package dataaccess

import (
	"encoding/json"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

// restaurantFromRows maps the rows to the aggregate.
func restaurantFromRows(restaurant restaurantRow, rows []productRow) (*domain.Restaurant, error) {
	products := make([]*domain.Product, len(rows))
	for i, row := range rows {
		p, err := domain.UnmarshalProductFromDatabase(kernel.IDFromUUID[kernel.ProductID](row.ID), row.Name, kernel.NewMoney(row.Price), row.Available)
		if err != nil {
			return nil, fmt.Errorf("product row %s: %w", row.ID, err)
		}
		products[i] = p
	}
	r, err := domain.UnmarshalRestaurantFromDatabase(kernel.IDFromUUID[kernel.RestaurantID](restaurant.ID), restaurant.Active, products)
	if err != nil {
		return nil, fmt.Errorf("restaurant row %s: %w", restaurant.ID, err)
	}
	return r, nil
}

// rowFromOrderApproval is the row that stores a.
func rowFromOrderApproval(a *domain.OrderApproval) orderApprovalRow {
	return orderApprovalRow{
		ID:              a.ID().UUID(),
		RestaurantID:    a.RestaurantID().UUID(),
		OrderID:         a.OrderID().UUID(),
		Status:          string(a.Status()),
		FailureMessages: a.FailureMessages(),
	}
}

// orderApprovalFromRow rebuilds the approval a row stores.
func orderApprovalFromRow(row orderApprovalRow) (*domain.OrderApproval, error) {
	status, err := kernel.ParseStatus[kernel.OrderApprovalStatus](row.Status)
	if err != nil {
		return nil, fmt.Errorf("order approval row %s: %w", row.ID, err)
	}
	a, err := domain.UnmarshalOrderApprovalFromDatabase(
		kernel.IDFromUUID[kernel.OrderApprovalID](row.ID),
		kernel.IDFromUUID[kernel.RestaurantID](row.RestaurantID),
		kernel.IDFromUUID[kernel.OrderID](row.OrderID),
		status,
		row.FailureMessages,
	)
	if err != nil {
		return nil, fmt.Errorf("order approval row %s: %w", row.ID, err)
	}
	return a, nil
}

// rowFromOrderOutbox is the row that stores m, its payload encoded as JSON.
func rowFromOrderOutbox(m application.OrderOutboxMessage) (orderOutboxRow, error) {
	payload, err := json.Marshal(m.Payload)
	if err != nil {
		return orderOutboxRow{}, fmt.Errorf("encode order outbox payload of saga %s: %w", m.SagaID, err)
	}
	return orderOutboxRow{
		ID:             m.ID.UUID(),
		SagaID:         m.SagaID.UUID(),
		CreatedAt:      m.CreatedAt,
		Type:           m.Type,
		Payload:        payload,
		OutboxStatus:   string(m.OutboxStatus),
		ApprovalStatus: string(m.ApprovalStatus),
	}, nil
}
