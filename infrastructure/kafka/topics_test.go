package kafka_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/infrastructure/kafka"
)

func TestValidateTopics(t *testing.T) {
	require.NoError(t, kafka.ValidateTopics([]kafka.TopicSetting{
		{Key: "topics.payment_request", Name: "payment-request"},
		{Key: "topics.payment_response", Name: "payment-response"},
	}, 3, 1))

	err := kafka.ValidateTopics([]kafka.TopicSetting{
		{Key: "topics.payment_request", Name: "payments"},
		{Key: "topics.payment_response", Name: "payments"},
		{Key: "topics.restaurant_approval_request", Name: ""},
	}, -1, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `topics.payment_request and topics.payment_response name the same topic "payments"`)
	assert.Contains(t, err.Error(), "topics.restaurant_approval_request is empty")
	assert.Contains(t, err.Error(), "must not be negative")
}
