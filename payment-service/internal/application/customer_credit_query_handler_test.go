package application_test

import (
	"context"
	"testing"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

func TestCustomerCredit(t *testing.T) {
	f := newFixture(t)
	query := application.NewCustomerCreditQueryHandler(f.tx, f.credits, f.history)
	history := seededHistory(t)
	gomock.InOrder(
		f.inTransaction(),
		f.credits.EXPECT().FindByCustomerID(gomock.Any(), customerID).Return(creditEntry(t, "500.00"), nil),
		f.history.EXPECT().FindByCustomerID(gomock.Any(), customerID).Return(history, nil),
	)

	got, err := query.CustomerCredit(context.Background(), customerID)

	require.NoError(t, err)
	assert.Equal(t, customerID, got.CustomerID)
	assert.Equal(t, "500.00", got.TotalCreditAmount.String())
	require.Len(t, got.History, 3)
	assert.Equal(t, application.CreditMovement{ID: history[2].ID(), Amount: kerneltest.Money("200.00"),
		Type: domain.TransactionTypeDebit, CreatedAt: history[2].CreatedAt()}, got.History[2])
}

func TestCustomerCreditUnknownCustomer(t *testing.T) {
	f := newFixture(t)
	query := application.NewCustomerCreditQueryHandler(f.tx, f.credits, f.history)
	gomock.InOrder(
		f.inTransaction(),
		f.credits.EXPECT().FindByCustomerID(gomock.Any(), customerID).Return(nil, kernel.ErrNotFound),
	)

	_, err := query.CustomerCredit(context.Background(), customerID)

	assert.Equal(t, kernel.ECodeNotFound, kernel.ErrorCodeOf(err))
	assert.Equal(t, "Could not find credit entry for customer: d215b5f8-0249-4dc5-89a3-51fd148cfb41", kernel.ErrorMessageOf(err))
}
