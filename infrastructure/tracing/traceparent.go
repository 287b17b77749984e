package tracing

import (
	"context"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// HeaderTraceParent is the W3C header (and Kafka record header) that carries
// a span's context to the next service.
const HeaderTraceParent = "traceparent"

var traceContext = propagation.TraceContext{}

// TraceParent returns the W3C traceparent of the span in ctx, or nil when
// ctx has none (tracing is off): what an outbox row keeps of its writer's
// trace.
func TraceParent(ctx context.Context) *string {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return nil
	}
	carrier := propagation.MapCarrier{}
	traceContext.Inject(ctx, carrier)
	tp := carrier[HeaderTraceParent]
	return &tp
}

// ContextWithTraceParent returns ctx continuing the trace of traceParent as a
// remote parent; ctx unchanged when traceParent is empty or malformed.
func ContextWithTraceParent(ctx context.Context, traceParent string) context.Context {
	if traceParent == "" {
		return ctx
	}
	return traceContext.Extract(ctx, propagation.MapCarrier{HeaderTraceParent: traceParent})
}
