package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

func TestUnmarshalOrderApprovalFromDatabase(t *testing.T) {
	f := newFixture()
	id := kernel.MustParseID[kernel.OrderApprovalID]("0a1b2c3d-0000-4000-8000-0000000000aa")
	tests := []struct {
		name     string
		id       kernel.OrderApprovalID
		status   kernel.OrderApprovalStatus
		failures []string
		ok       bool
	}{
		{name: "approved", id: id, status: kernel.OrderApprovalStatusApproved, ok: true},
		{name: "rejected with reasons", id: id, status: kernel.OrderApprovalStatusRejected, failures: []string{"no"}, ok: true},
		{name: "missing id", status: kernel.OrderApprovalStatusApproved},
		{name: "unknown status", id: id, status: "MAYBE"},
		{name: "rejected without reason", id: id, status: kernel.OrderApprovalStatusRejected},
		{name: "approved with reasons", id: id, status: kernel.OrderApprovalStatusApproved, failures: []string{"no"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := domain.UnmarshalOrderApprovalFromDatabase(tt.id, f.restaurantID, f.orderID, tt.status, tt.failures)
			if !tt.ok {
				assert.ErrorIs(t, err, domain.ErrInvalidOrderApproval)
				assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(err), "bad stored data is the system's fault, not the user's")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.status, a.Status())
			assert.Equal(t, append([]string{}, tt.failures...), a.FailureMessages())
		})
	}
}
