package kafka

import (
	"strings"
	"testing"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The sarama settings carry SASL as configured, and a SCRAM mechanism gets a
// working client: it opens the conversation with the user's client-first
// message.
func TestSASLSettingsReachSarama(t *testing.T) {
	for mechanism, hasSCRAM := range map[string]bool{"PLAIN": false, "SCRAM-SHA-256": true, "SCRAM-SHA-512": true} {
		cfg := Config{Brokers: []string{"b:9092"}, SASL: SASLConfig{Mechanism: mechanism, User: "order_service", Password: "secret"}}
		sc, err := cfg.sarama()
		require.NoError(t, err)
		assert.True(t, sc.Net.SASL.Enable, mechanism)
		assert.Equal(t, sarama.SASLMechanism(mechanism), sc.Net.SASL.Mechanism)
		assert.Equal(t, "order_service", sc.Net.SASL.User)
		require.NoError(t, sc.Validate(), "%s: sarama accepts the settings", mechanism)
		if !hasSCRAM {
			assert.Nil(t, sc.Net.SASL.SCRAMClientGeneratorFunc, mechanism)
			continue
		}
		client := sc.Net.SASL.SCRAMClientGeneratorFunc()
		require.NoError(t, client.Begin("order_service", "secret", ""))
		first, err := client.Step("")
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(first, "n,,n=order_service,r="), "%s client-first message %q", mechanism, first)
		assert.False(t, client.Done())
	}
	plain, err := Config{Brokers: []string{"b:9092"}}.sarama()
	require.NoError(t, err)
	assert.False(t, plain.Net.SASL.Enable)
	assert.False(t, plain.Net.TLS.Enable)
}
