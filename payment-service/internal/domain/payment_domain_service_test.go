package domain_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

var (
	customerID = kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb41")
	now        = time.Date(2024, 5, 1, 12, 30, 0, 0, time.UTC)
)

func creditEntry(t *testing.T, total string) *domain.CreditEntry {
	t.Helper()
	c, err := domain.UnmarshalCreditEntryFromDatabase(kernel.NewID[kernel.CreditEntryID](), customerID, kerneltest.Money(total))
	require.NoError(t, err)
	return c
}

// history builds entries from pairs like "CREDIT", "100.00".
func history(t *testing.T, pairs ...string) []*domain.CreditHistory {
	t.Helper()
	require.Zero(t, len(pairs)%2, "history takes type and amount pairs")
	var out []*domain.CreditHistory
	for pair := range slices.Chunk(pairs, 2) {
		h, err := domain.UnmarshalCreditHistoryFromDatabase(kernel.NewID[kernel.CreditHistoryID](), customerID, kernel.OrderID{}, kerneltest.Money(pair[1]),
			domain.TransactionType(pair[0]), now.Add(-time.Hour))
		require.NoError(t, err)
		out = append(out, h)
	}
	return out
}

func service() *domain.PaymentDomainService {
	return domain.NewPaymentDomainService(func() time.Time { return now })
}

func TestValidateAndInitiatePayment(t *testing.T) {
	seeded := []string{"CREDIT", "100.00", "CREDIT", "600.00", "DEBIT", "200.00"}
	noCredit := "Customer with id=d215b5f8-0249-4dc5-89a3-51fd148cfb41 doesn't have enough credit for payment!"
	noHistoryCredit := "Customer with id=d215b5f8-0249-4dc5-89a3-51fd148cfb41 doesn't have enough credit according to credit history!"
	notEqual := "Credit history total is not equal to current credit for customer id: d215b5f8-0249-4dc5-89a3-51fd148cfb41!"
	tests := []struct {
		name       string
		credit     string
		history    []string
		price      string
		wantStatus kernel.PaymentStatus
		wantCredit string
		wantFails  []string
	}{
		{name: "completes within credit", credit: "500.00", history: seeded, price: "200.00",
			wantStatus: kernel.PaymentStatusCompleted, wantCredit: "300.00"},
		{name: "completes with the exact credit", credit: "500.00", history: seeded, price: "500",
			wantStatus: kernel.PaymentStatusCompleted, wantCredit: "0.00"},
		{name: "zero price fails", credit: "500.00", history: seeded, price: "0",
			wantStatus: kernel.PaymentStatusFailed, wantCredit: "500.00",
			wantFails: []string{"Total price must be greater than zero!"}},
		{name: "negative price fails", credit: "500.00", history: seeded, price: "-10.00",
			wantStatus: kernel.PaymentStatusFailed, wantCredit: "500.00",
			wantFails: []string{"Total price must be greater than zero!"}},
		{name: "price above credit fails", credit: "500.00", history: seeded, price: "600.00",
			wantStatus: kernel.PaymentStatusFailed, wantCredit: "500.00",
			wantFails: []string{noCredit, noHistoryCredit}},
		{name: "debits above credits in history fail", credit: "100.00", history: []string{"CREDIT", "100.00", "DEBIT", "150.00"}, price: "10.00",
			wantStatus: kernel.PaymentStatusFailed, wantCredit: "100.00",
			wantFails: []string{noHistoryCredit, notEqual}},
		{name: "history not adding up to the credit fails", credit: "500.00", history: []string{"CREDIT", "100.00"}, price: "50.00",
			wantStatus: kernel.PaymentStatusFailed, wantCredit: "500.00",
			wantFails: []string{notEqual}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orderID := kernel.NewID[kernel.OrderID]()
			payment, err := domain.NewPayment(orderID, customerID, kerneltest.Money(tt.price))
			require.NoError(t, err)
			credit := creditEntry(t, tt.credit)

			event, debit := service().ValidateAndInitiatePayment(payment, credit, domain.TotalsOf(history(t, tt.history...)))

			assert.Equal(t, tt.wantStatus, payment.Status())
			assert.Equal(t, tt.wantStatus, event.PaymentStatus())
			assert.Same(t, payment, event.Payment())
			assert.Equal(t, now, event.CreatedAt())
			assert.Equal(t, now, payment.CreatedAt())
			assert.False(t, payment.ID().IsZero(), "payment id assigned")
			assert.Equal(t, orderID, payment.OrderID())
			assert.Equal(t, tt.wantFails, event.FailureMessages())
			assert.Equal(t, tt.wantCredit, credit.TotalCreditAmount().String())
			if tt.wantStatus == kernel.PaymentStatusCompleted {
				require.NotNil(t, debit)
				assert.IsType(t, domain.PaymentCompletedEvent{}, event)
				assert.Equal(t, domain.TransactionTypeDebit, debit.TransactionType())
				assert.True(t, debit.Amount().Equal(kerneltest.Money(tt.price)))
				assert.Equal(t, customerID, debit.CustomerID())
				assert.Equal(t, orderID, debit.OrderID(), "the debit names the order it paid")
				assert.Equal(t, now, debit.CreatedAt())
				assert.False(t, debit.ID().IsZero())
			} else {
				assert.Nil(t, debit, "a failed payment records no movement")
				assert.IsType(t, domain.PaymentFailedEvent{}, event)
			}
		})
	}
}

func TestValidateAndCancelPayment(t *testing.T) {
	tests := []struct {
		name       string
		status     kernel.PaymentStatus
		wantStatus kernel.PaymentStatus
		wantEvent  kernel.PaymentStatus
		wantCredit string
		wantFails  []string
	}{
		{name: "completed payment is refunded", status: kernel.PaymentStatusCompleted,
			wantStatus: kernel.PaymentStatusCancelled, wantEvent: kernel.PaymentStatusCancelled, wantCredit: "500.00"},
		{name: "failed payment is cancelled without refund", status: kernel.PaymentStatusFailed,
			wantStatus: kernel.PaymentStatusCancelled, wantEvent: kernel.PaymentStatusCancelled, wantCredit: "300.00"},
		{name: "cancelled payment is not refunded twice", status: kernel.PaymentStatusCancelled,
			wantStatus: kernel.PaymentStatusCancelled, wantEvent: kernel.PaymentStatusFailed, wantCredit: "300.00",
			wantFails: []string{"Payment with id: %s cannot be cancelled, its status is CANCELLED!"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paymentID, orderID := kernel.NewID[kernel.PaymentID](), kernel.NewID[kernel.OrderID]()
			payment, err := domain.UnmarshalPaymentFromDatabase(paymentID, orderID, customerID, kerneltest.Money("200.00"),
				tt.status, now.Add(-time.Hour))
			require.NoError(t, err)
			credit := creditEntry(t, "300.00")

			event, refund := service().ValidateAndCancelPayment(payment, credit)

			assert.Equal(t, tt.wantStatus, payment.Status())
			assert.Equal(t, tt.wantEvent, event.PaymentStatus())
			assert.Equal(t, tt.wantCredit, credit.TotalCreditAmount().String())
			assert.Equal(t, now, event.CreatedAt())
			var wantFails []string
			for _, f := range tt.wantFails {
				wantFails = append(wantFails, sprintf(f, paymentID))
			}
			assert.Equal(t, wantFails, event.FailureMessages())
			if tt.status == kernel.PaymentStatusCompleted {
				require.NotNil(t, refund)
				assert.IsType(t, domain.PaymentCancelledEvent{}, event)
				assert.Equal(t, domain.TransactionTypeCredit, refund.TransactionType())
				assert.Equal(t, "200.00", refund.Amount().String())
				assert.Equal(t, customerID, refund.CustomerID())
				assert.Equal(t, orderID, refund.OrderID(), "the refund names the order it gave back")
			} else {
				assert.Nil(t, refund, "nothing was taken, so nothing moves")
			}
		})
	}
}

func TestValidateAndInitiatePaymentWithoutCreditEntry(t *testing.T) {
	noEntry := "Could not find credit entry for customer: d215b5f8-0249-4dc5-89a3-51fd148cfb41"
	tests := []struct {
		name      string
		price     string
		wantFails []string
	}{
		{name: "positive price", price: "200.00", wantFails: []string{noEntry}},
		{name: "zero price", price: "0", wantFails: []string{"Total price must be greater than zero!", noEntry}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payment, err := domain.NewPayment(kernel.NewID[kernel.OrderID](), customerID, kerneltest.Money(tt.price))
			require.NoError(t, err)

			event, debit := service().ValidateAndInitiatePayment(payment, nil, domain.CreditHistoryTotals{})

			assert.Nil(t, debit)
			assert.IsType(t, domain.PaymentFailedEvent{}, event)
			assert.Equal(t, kernel.PaymentStatusFailed, payment.Status())
			assert.False(t, payment.ID().IsZero(), "a failed payment is saved, so it has an id")
			assert.Equal(t, now, payment.CreatedAt())
			assert.Equal(t, tt.wantFails, event.FailureMessages())
		})
	}
}

func TestValidateAndCancelPaymentWithoutCreditEntry(t *testing.T) {
	t.Run("completed payment cannot be refunded", func(t *testing.T) {
		payment, err := domain.UnmarshalPaymentFromDatabase(kernel.NewID[kernel.PaymentID](), kernel.NewID[kernel.OrderID](), customerID,
			kerneltest.Money("200.00"), kernel.PaymentStatusCompleted, now.Add(-time.Hour))
		require.NoError(t, err)

		event, refund := service().ValidateAndCancelPayment(payment, nil)

		assert.Nil(t, refund)
		assert.Equal(t, kernel.PaymentStatusFailed, event.PaymentStatus())
		assert.Equal(t, kernel.PaymentStatusCompleted, payment.Status(), "the payment stays as it was")
		assert.Equal(t, []string{"Could not find credit entry for customer: d215b5f8-0249-4dc5-89a3-51fd148cfb41"}, event.FailureMessages())
	})
	t.Run("failed payment needs no credit entry", func(t *testing.T) {
		payment, err := domain.UnmarshalPaymentFromDatabase(kernel.NewID[kernel.PaymentID](), kernel.NewID[kernel.OrderID](), customerID,
			kerneltest.Money("200.00"), kernel.PaymentStatusFailed, now.Add(-time.Hour))
		require.NoError(t, err)

		event, refund := service().ValidateAndCancelPayment(payment, nil)

		assert.Nil(t, refund)
		assert.IsType(t, domain.PaymentCancelledEvent{}, event)
		assert.Equal(t, kernel.PaymentStatusCancelled, payment.Status())
	})
}

func TestCancelBeforePayment(t *testing.T) {
	orderID := kernel.NewID[kernel.OrderID]()
	payment, err := domain.NewPayment(orderID, customerID, kerneltest.Money("200.00"))
	require.NoError(t, err)

	event := service().CancelBeforePayment(payment)

	assert.IsType(t, domain.PaymentCancelledEvent{}, event)
	assert.Same(t, payment, event.Payment())
	assert.Equal(t, kernel.PaymentStatusCancelled, payment.Status())
	assert.False(t, payment.ID().IsZero(), "the cancellation is saved as a payment, so it has an id")
	assert.Equal(t, now, payment.CreatedAt())
	assert.Equal(t, now, event.CreatedAt())
	assert.Equal(t, orderID, payment.OrderID())
	assert.Equal(t, "200.00", payment.Price().String())
	assert.Empty(t, event.FailureMessages())
}

func TestRejectPaymentWithoutCustomer(t *testing.T) {
	orderID := kernel.MustParseID[kernel.OrderID]("9c3e2a6b-1111-4c1e-9f3b-0d1e2f3a4b5c")

	event := service().RejectPaymentWithoutCustomer(orderID, kerneltest.Money("20.00"))

	assert.IsType(t, domain.PaymentFailedEvent{}, event)
	assert.Equal(t, kernel.PaymentStatusFailed, event.PaymentStatus())
	assert.Equal(t, []string{"Payment request for order: 9c3e2a6b-1111-4c1e-9f3b-0d1e2f3a4b5c names no customer!"}, event.FailureMessages())
	assert.Equal(t, orderID, event.Payment().OrderID())
	assert.True(t, event.Payment().ID().IsZero(), "no payment is saved for it")
	assert.True(t, event.Payment().CustomerID().IsZero())
	assert.Equal(t, now, event.CreatedAt())
}
