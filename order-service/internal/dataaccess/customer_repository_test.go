package dataaccess_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
	"github.com/food-ordering-system/order-service/internal/domain"
)

func TestCustomerRepositoryFindsSeededCustomers(t *testing.T) {
	db, _ := newDB(t)
	ctx := context.Background()
	customers := dataaccess.NewCustomerRepository(db)

	c, err := customers.FindCustomer(ctx, customer1)
	require.NoError(t, err)
	assert.Equal(t, kerneltest.Must(domain.UnmarshalCustomerFromDatabase(customer1)), c)
	_, err = customers.FindCustomer(ctx, kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb43"))
	require.NoError(t, err)
	_, err = customers.FindCustomer(ctx, kernel.NewID[kernel.CustomerID]())
	assert.ErrorIs(t, err, kernel.ErrNotFound)
}
