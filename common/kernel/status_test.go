package kernel_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
)

func TestParseStatus(t *testing.T) {
	s, err := kernel.ParseStatus[kernel.OrderStatus]("CANCELLING")
	require.NoError(t, err)
	assert.Equal(t, kernel.OrderStatusCancelling, s)

	_, err = kernel.ParseStatus[kernel.OrderStatus]("cancelling")
	assert.Error(t, err, "statuses are case sensitive on the wire")
	_, err = kernel.ParseStatus[kernel.PaymentStatus]("PENDING")
	assert.Error(t, err, "PENDING is a payment request status, not a payment status")
	_, err = kernel.ParseStatus[kernel.OrderApprovalStatus]("REJECTED")
	assert.NoError(t, err)
	assert.True(t, kernel.RestaurantOrderStatusPaid.Valid())
	assert.True(t, kernel.PaymentOrderStatusCancelled.Valid())
}

func TestErrorCodes(t *testing.T) {
	notFound := kernel.Errorf(kernel.ECodeNotFound, "Could not find order with tracking id: %s", "abc")
	wrapped := fmt.Errorf("track order: %w", notFound)
	assert.Equal(t, kernel.ECodeNotFound, kernel.ErrorCodeOf(wrapped))
	assert.Equal(t, "Could not find order with tracking id: abc", kernel.ErrorMessageOf(wrapped))

	internal := errors.New("pq: connection refused at 10.0.0.1")
	assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(internal))
	assert.Equal(t, "unexpected error", kernel.ErrorMessageOf(internal), "internal details never reach users")

	cause := errors.New("deadline")
	unavailable := kernel.WrapError(kernel.ECodeUnavailable, cause, "database unavailable")
	assert.ErrorIs(t, unavailable, cause)
	assert.Equal(t, "database unavailable: deadline", unavailable.Error())
}
