package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// A row in each service's outbox that can never be published (its payload
// no longer maps to the message) ends FAILED with its reason after the
// relay's attempts, while the orders around it flow.
func TestUnpublishableOutboxRowsAreParkedWhileOrdersFlow(t *testing.T) {
	s := system(t)
	ids, err := s.InsertUnpublishableRows(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() {
		for table, id := range ids {
			_ = s.DB.Exec(`DELETE FROM `+table+` WHERE id = ?`, id).Error
		}
	})

	customer := newCustomer(t, s, kernel.MustParseMoney("2000.00"))
	for range 6 {
		order, _ := placeAndFollow(t, s, e2e.SampleOrder(customer))
		assert.Equal(t, kernel.OrderStatusApproved, order.OrderStatus, "orders flow past the poison rows")
	}

	for table, id := range ids {
		var row struct {
			OutboxStatus string
			Attempts     int
			LastError    *string
		}
		require.Eventually(t, func() bool {
			err := s.DB.Raw(`SELECT outbox_status, attempts, last_error FROM `+table+` WHERE id = ?`, id).Scan(&row).Error
			return err == nil && row.OutboxStatus == "FAILED"
		}, 60*time.Second, 200*time.Millisecond, "%s: the unpublishable row is parked", table)
		assert.Equal(t, 5, row.Attempts, "%s: tried max_attempts times", table)
		if assert.NotNil(t, row.LastError, table) {
			assert.NotEmpty(t, *row.LastError, table)
		}
	}
}
