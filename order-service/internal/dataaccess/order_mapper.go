package dataaccess

import (
	"encoding/json"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func orderToRows(o *domain.Order) (orderRow, []orderItemRow, orderAddressRow, error) {
	failures, err := json.Marshal(nonNil(o.FailureMessages()))
	if err != nil {
		return orderRow{}, nil, orderAddressRow{}, fmt.Errorf("encode failure messages of order %s: %w", o.ID(), err)
	}
	row := orderRow{
		ID:              o.ID().UUID(),
		CustomerID:      o.CustomerID().UUID(),
		RestaurantID:    o.RestaurantID().UUID(),
		TrackingID:      o.TrackingID().UUID(),
		Price:           o.Price().Decimal(),
		OrderStatus:     string(o.Status()),
		FailureMessages: string(failures),
		Version:         o.Version(),
	}
	var items []orderItemRow
	for _, it := range o.Items() {
		items = append(items, orderItemRow{
			OrderID:   o.ID().UUID(),
			ID:        int64(it.ID()),
			ProductID: it.Product().ID.UUID(),
			Price:     it.Price().Decimal(),
			Quantity:  it.Quantity(),
			SubTotal:  it.SubTotal().Decimal(),
		})
	}
	a := o.DeliveryAddress()
	address := orderAddressRow{OrderID: o.ID().UUID(), Street: a.Street, PostalCode: a.PostalCode, City: a.City}
	return row, items, address, nil
}

func orderFromRows(row orderRow, itemRows []orderItemRow, address orderAddressRow) (*domain.Order, error) {
	status, err := kernel.ParseStatus[kernel.OrderStatus](row.OrderStatus)
	if err != nil {
		return nil, fmt.Errorf("order %s: %w", row.ID, err)
	}
	var failures []string
	if err := json.Unmarshal([]byte(row.FailureMessages), &failures); err != nil {
		return nil, fmt.Errorf("order %s: failure messages: %w", row.ID, err)
	}
	orderID := kernel.IDFromUUID[kernel.OrderID](row.ID)
	items := make([]domain.OrderItem, len(itemRows))
	for i, it := range itemRows {
		price := kernel.NewMoney(it.Price)
		// Stored items keep the product's id and the price it was ordered at;
		// the catalog's name is not part of the order.
		product := domain.Product{ID: kernel.IDFromUUID[kernel.ProductID](it.ProductID), Price: price}
		items[i] = domain.RestoreOrderItem(domain.OrderItemID(it.ID), orderID, product, it.Quantity, price, kernel.NewMoney(it.SubTotal))
	}
	return domain.RestoreOrder(domain.OrderSnapshot{
		ID:              orderID,
		CustomerID:      kernel.IDFromUUID[kernel.CustomerID](row.CustomerID),
		RestaurantID:    kernel.IDFromUUID[kernel.RestaurantID](row.RestaurantID),
		DeliveryAddress: domain.StreetAddress{Street: address.Street, PostalCode: address.PostalCode, City: address.City},
		Price:           kernel.NewMoney(row.Price),
		Items:           items,
		TrackingID:      kernel.IDFromUUID[kernel.TrackingID](row.TrackingID),
		Status:          status,
		FailureMessages: failures,
		Version:         row.Version,
	}), nil
}
