package logging

import (
	"context"

	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
)

// Trace returns the trace_id field of the span in ctx, or zap.Skip() when
// there is none (tracing off), so a line can always carry it:
// log.Info("order paid", logging.Trace(ctx), zap.Stringer("order_id", id)).
func Trace(ctx context.Context) zap.Field {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return zap.Skip()
	}
	return zap.Stringer("trace_id", sc.TraceID())
}
