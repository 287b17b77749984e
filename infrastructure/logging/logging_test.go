package logging_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

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

func TestTraceAddsTraceIDOnlyWithASpan(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	log := zap.New(core)
	log.Info("no span", logging.Trace(context.Background()))
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{0x4b, 0xf9, 0x2f, 0x35}, SpanID: trace.SpanID{1}, TraceFlags: trace.FlagsSampled})
	log.Info("in a span", logging.Trace(trace.ContextWithSpanContext(context.Background(), sc)))

	entries := logs.All()
	require.Len(t, entries, 2)
	assert.NotContains(t, entries[0].ContextMap(), "trace_id")
	assert.Equal(t, "4bf92f35000000000000000000000000", entries[1].ContextMap()["trace_id"])
}

// Lines below warning wait in the buffer; a warning writes the buffer at
// once, in order, and Sync writes the rest.
func TestLinesAreWrittenTogetherAndAWarningAtOnce(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	require.NoError(t, err)
	stderr := os.Stderr
	os.Stderr = f
	t.Cleanup(func() { os.Stderr = stderr })
	log, err := logging.New(logging.Config{Level: "info"})
	require.NoError(t, err)

	written := func() string {
		b, err := os.ReadFile(f.Name())
		require.NoError(t, err)
		return string(b)
	}
	log.Info("first")
	assert.Empty(t, written(), "an info line waits for the next write")
	log.Warn("second")
	out := written()
	require.Contains(t, out, "first")
	assert.Less(t, strings.Index(out, "first"), strings.Index(out, "second"), "in order")
	log.Info("third")
	require.NoError(t, log.Sync())
	assert.Contains(t, written(), "third")
}
