package domain_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func TestNewPayment(t *testing.T) {
	orderID := kernel.MustParseID[kernel.OrderID]("9c3e2a6b-1111-4c1e-9f3b-0d1e2f3a4b5c")
	tests := []struct {
		name     string
		orderID  kernel.OrderID
		customer kernel.CustomerID
		wantErr  error
		wantMsg  string
	}{
		{name: "valid", orderID: kernel.NewID[kernel.OrderID](), customer: customerID},
		{name: "no order", customer: customerID, wantErr: domain.ErrInvalidOrderID,
			wantMsg: "Payment of customer: d215b5f8-0249-4dc5-89a3-51fd148cfb41 needs an order id!"},
		{name: "no customer", orderID: orderID, wantErr: domain.ErrInvalidCustomerID,
			wantMsg: "Payment for order: 9c3e2a6b-1111-4c1e-9f3b-0d1e2f3a4b5c needs a customer id!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := domain.NewPayment(tt.orderID, tt.customer, kerneltest.Money("10.00"))
			if tt.wantErr != nil {
				assert.True(t, errors.Is(err, tt.wantErr), "got %v", err)
				assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err))
				assert.Equal(t, tt.wantMsg, kernel.ErrorMessageOf(err))
				assert.Nil(t, p)
				return
			}
			assert.NoError(t, err)
			assert.True(t, p.ID().IsZero(), "no id before initiation")
			assert.Empty(t, p.Status())
		})
	}
}

func TestUnmarshalPaymentFromDatabase(t *testing.T) {
	tests := []struct {
		name    string
		build   func() error
		wantErr bool
	}{
		{name: "payment", build: func() error {
			_, err := domain.UnmarshalPaymentFromDatabase(kernel.NewID[kernel.PaymentID](), kernel.NewID[kernel.OrderID](), customerID, kerneltest.Money("1"), kernel.PaymentStatusCompleted, now)
			return err
		}},
		{name: "payment without id", wantErr: true, build: func() error {
			_, err := domain.UnmarshalPaymentFromDatabase(kernel.PaymentID{}, kernel.NewID[kernel.OrderID](), customerID, kerneltest.Money("1"), kernel.PaymentStatusCompleted, now)
			return err
		}},
		{name: "payment with unknown status", wantErr: true, build: func() error {
			_, err := domain.UnmarshalPaymentFromDatabase(kernel.NewID[kernel.PaymentID](), kernel.NewID[kernel.OrderID](), customerID, kerneltest.Money("1"), "PAID", now)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.build()
			assert.Equal(t, tt.wantErr, err != nil, "err = %v", err)
		})
	}
}
