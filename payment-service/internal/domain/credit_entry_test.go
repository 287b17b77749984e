package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

func TestUnmarshalCreditEntryFromDatabase(t *testing.T) {
	tests := []struct {
		name     string
		id       kernel.CreditEntryID
		customer kernel.CustomerID
		wantErr  bool
	}{
		{name: "credit entry", id: kernel.NewID[kernel.CreditEntryID](), customer: customerID},
		{name: "credit entry without id", customer: customerID, wantErr: true},
		{name: "credit entry without customer", id: kernel.NewID[kernel.CreditEntryID](), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := domain.UnmarshalCreditEntryFromDatabase(tt.id, tt.customer, kerneltest.Money("1.50"))
			if tt.wantErr {
				assert.Error(t, err)
				assert.Nil(t, c)
				return
			}
			assert.NoError(t, err)
			assert.Equal(t, tt.id, c.ID())
			assert.Equal(t, tt.customer, c.CustomerID())
			assert.Equal(t, "1.50", c.TotalCreditAmount().String())
		})
	}
}
