package tracing_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/infrastructure/tracing"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  tracing.Config
		ok   bool
	}{
		{"off by default", tracing.Config{}, true},
		{"none", tracing.Config{Exporter: "none", SampleRatio: 1}, true},
		{"log", tracing.Config{Exporter: "log", SampleRatio: 0.5}, true},
		{"otlp", tracing.Config{Exporter: "otlp", Endpoint: "jaeger:4318", SampleRatio: 1}, true},
		{"otlp without endpoint", tracing.Config{Exporter: "otlp", SampleRatio: 1}, false},
		{"otlp with a URL", tracing.Config{Exporter: "otlp", Endpoint: "http://jaeger:4318/v1/traces", SampleRatio: 1}, false},
		{"unknown exporter", tracing.Config{Exporter: "zipkin"}, false},
		{"ratio above 1", tracing.Config{Exporter: "log", SampleRatio: 1.5}, false},
		{"negative ratio", tracing.Config{Exporter: "log", SampleRatio: -0.1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

func TestTraceParentRoundTrip(t *testing.T) {
	assert.Nil(t, tracing.TraceParent(context.Background()), "no span, no traceparent")

	const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	ctx := tracing.ContextWithTraceParent(context.Background(), tp)
	sc := trace.SpanContextFromContext(ctx)
	assert.True(t, sc.IsRemote())
	assert.Equal(t, "4bf92f3577b34da6a3ce929d0e0e4736", sc.TraceID().String())
	if got := tracing.TraceParent(ctx); assert.NotNil(t, got) {
		assert.Equal(t, tp, *got)
	}

	assert.Equal(t, context.Background(), tracing.ContextWithTraceParent(context.Background(), ""))
	assert.False(t, trace.SpanContextFromContext(tracing.ContextWithTraceParent(context.Background(), "garbage")).IsValid())
}

// With the otlp exporter, the spans reach the endpoint over OTLP/HTTP by the
// time Shutdown returns.
func TestOTLPExporterFlushesOnShutdown(t *testing.T) {
	var posts atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/traces" {
			posts.Add(1)
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer receiver.Close()
	previous := otel.GetTracerProvider()
	defer otel.SetTracerProvider(previous)

	tr, err := tracing.Start(context.Background(), tracing.Config{Exporter: tracing.ExporterOTLP,
		Endpoint: strings.TrimPrefix(receiver.URL, "http://"), SampleRatio: 1}, "test", zaptest.NewLogger(t))
	require.NoError(t, err)
	_, span := tracing.Tracer().Start(context.Background(), "work")
	assert.True(t, span.SpanContext().IsValid(), "a recording tracer is installed")
	span.End()
	require.NoError(t, tr.Shutdown(context.Background()))

	assert.Positive(t, posts.Load(), "the span was exported to the endpoint")
}
