package kafka_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/infrastructure/kafka"
)

func TestConsumerConfigValidate(t *testing.T) {
	valid := kafka.ConsumerConfig{GroupID: "g", MinBackoff: 100 * time.Millisecond, MaxBackoff: 10 * time.Second,
		SessionTimeout: 10 * time.Second, MaxAttempts: 1}
	assert.NoError(t, valid.Validate("consumer"))
	assert.NoError(t, kafka.ConsumerConfig{GroupID: "g"}.Validate("consumer"), "zero values take the defaults")

	tests := map[string]struct {
		change func(*kafka.ConsumerConfig)
		want   string
	}{
		"no group":          {func(c *kafka.ConsumerConfig) { c.GroupID = "" }, "consumer.group_id is empty"},
		"backoffs swapped":  {func(c *kafka.ConsumerConfig) { c.MinBackoff = time.Minute }, "consumer.min_backoff 1m0s is above consumer.max_backoff 10s"},
		"negative backoff":  {func(c *kafka.ConsumerConfig) { c.MinBackoff = -time.Second }, "must not be negative"},
		"session too short": {func(c *kafka.ConsumerConfig) { c.SessionTimeout = time.Second }, "consumer.session_timeout 1s"},
		"session too long":  {func(c *kafka.ConsumerConfig) { c.SessionTimeout = time.Hour }, "the broker accepts 6s to 5m"},
		"negative attempts": {func(c *kafka.ConsumerConfig) { c.MaxAttempts = -1 }, "consumer.max_attempts -1: a record is tried at least once"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			c := valid
			tt.change(&c)
			assert.ErrorContains(t, c.Validate("consumer"), tt.want)
		})
	}
}

func TestWithTopicsLeavesTheSettingsAlone(t *testing.T) {
	base := kafka.ConsumerConfig{GroupID: "g", SessionTimeout: 6 * time.Second}
	got := base.WithTopics("payment-request")
	assert.Equal(t, []string{"payment-request"}, got.Topics)
	assert.Equal(t, "g", got.GroupID)
	assert.Equal(t, 6*time.Second, got.SessionTimeout)
	assert.Nil(t, base.Topics, "a copy: the configured value is not changed")
}
