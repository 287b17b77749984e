package logging_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zapcore"

	"github.com/food-ordering-system/infrastructure/logging"
)

func TestNewHonoursLevelAndFormat(t *testing.T) {
	for _, format := range []string{"json", "console", ""} {
		log, err := logging.New(logging.Config{Level: "warn", Format: format})
		require.NoError(t, err, format)
		assert.False(t, log.Core().Enabled(zapcore.InfoLevel), "%s: info is below warn", format)
		assert.True(t, log.Core().Enabled(zapcore.WarnLevel), format)
	}
	log, err := logging.New(logging.Config{})
	require.NoError(t, err)
	assert.True(t, log.Core().Enabled(zapcore.InfoLevel), "info by default")
	assert.False(t, log.Core().Enabled(zapcore.DebugLevel))
}

func TestValidateRefusesUnknownSettings(t *testing.T) {
	assert.NoError(t, logging.Config{Level: "debug", Format: "console"}.Validate())
	assert.Error(t, logging.Config{Level: "loud"}.Validate())
	assert.Error(t, logging.Config{Format: "xml"}.Validate())
}
