package kernel_test

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
)

func TestParseID(t *testing.T) {
	order, err := kernel.ParseID[kernel.OrderID]("D215B5F8-0249-4DC5-89A3-51FD148CFB41")
	require.NoError(t, err)
	assert.Equal(t, "d215b5f8-0249-4dc5-89a3-51fd148cfb41", order.String())
	assert.False(t, order.IsZero())
	assert.True(t, kernel.OrderID{}.IsZero())

	for _, bad := range []string{"", "not-a-uuid", "00000000-0000-0000-0000-000000000000"} {
		_, err := kernel.ParseID[kernel.OrderID](bad)
		assert.Error(t, err, bad)
	}
	assert.Panics(t, func() { kernel.MustParseID[kernel.CustomerID]("x") })
}

func TestIDConversions(t *testing.T) {
	u := uuid.New()
	id := kernel.IDFromUUID[kernel.RestaurantID](u)
	assert.Equal(t, u, id.UUID())
	assert.Equal(t, u.String(), id.String())
}

func TestIDJSONRoundTrip(t *testing.T) {
	type body struct {
		Customer kernel.CustomerID `json:"customerId"`
	}
	want := kernel.NewID[kernel.CustomerID]()
	out, err := json.Marshal(body{Customer: want})
	require.NoError(t, err)
	assert.JSONEq(t, `{"customerId":"`+want.String()+`"}`, string(out))
	var got body
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, want, got.Customer)
	assert.Error(t, json.Unmarshal([]byte(`{"customerId":"nope"}`), &got))
}

func TestNewIDsAreDistinct(t *testing.T) {
	seen := map[kernel.OrderID]bool{}
	for range 1000 {
		id := kernel.NewID[kernel.OrderID]()
		require.False(t, seen[id])
		seen[id] = true
	}
}
