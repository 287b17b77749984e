package dataaccess_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/restaurant-service/internal/dataaccess"
	"github.com/food-ordering-system/restaurant-service/migrations"
)

func TestOrderApprovalRepositoryRoundTripAndUniquePerOrder(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	repo := dataaccess.NewOrderApprovalRepository(db)
	ctx := context.Background()
	orderID := kernel.NewID[kernel.OrderID]()
	approval := rejectedApproval(t, orderID)
	require.Equal(t, kernel.OrderApprovalStatusRejected, approval.Status())

	require.NoError(t, repo.Save(ctx, approval))

	got, err := repo.FindByOrderID(ctx, orderID)
	require.NoError(t, err)
	assert.Equal(t, approval, got)

	again := rejectedApproval(t, orderID) // a new id, the same order
	err = repo.Save(ctx, again)
	assert.ErrorIs(t, err, kernel.ErrDuplicate)

	_, err = repo.FindByOrderID(ctx, kernel.NewID[kernel.OrderID]())
	assert.ErrorIs(t, err, kernel.ErrNotFound)
}
