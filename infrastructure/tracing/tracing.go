// Package tracing follows one order across the three services with
// OpenTelemetry. Tracing is off unless configured: the global tracer
// provider then stays OpenTelemetry's no-op one, nothing is exported and
// the HTTP and database instrumentation is not installed.
//
// A trace crosses Kafka through the outbox: the context of the span that
// writes an outbox row is kept on the row (TraceParent), the relay sends it
// as the W3C traceparent header, and the consumer continues the trace from
// that header. So the chain survives a restart between write and publish.
package tracing

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/contrib/instrumentation/github.com/labstack/echo/otelecho"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
	"gorm.io/gorm"
)

// Exporters a Config may name.
const (
	// ExporterNone records nothing (the default).
	ExporterNone = "none"
	// ExporterOTLP sends spans over OTLP/HTTP to Endpoint (Jaeger, an
	// OpenTelemetry Collector).
	ExporterOTLP = "otlp"
	// ExporterLog writes each finished span as one JSON line to standard
	// output.
	ExporterLog = "log"
)

// Config chooses whether and where spans go.
type Config struct {
	// Exporter is none, otlp or log.
	Exporter string `mapstructure:"exporter"`
	// Endpoint is the OTLP/HTTP receiver, host:port (Jaeger's 4318).
	Endpoint string `mapstructure:"endpoint"`
	// SampleRatio is the share of new traces recorded, 0 to 1; a trace
	// begun elsewhere is recorded when its parent was.
	SampleRatio float64 `mapstructure:"sample_ratio"`
}

// Enabled reports whether spans are recorded at all.
func (c Config) Enabled() bool { return c.Exporter != "" && c.Exporter != ExporterNone }

// Validate reports an unknown exporter, an otlp exporter without a usable
// endpoint, or a ratio outside 0..1.
func (c Config) Validate() error {
	switch c.Exporter {
	case "", ExporterNone, ExporterLog:
	case ExporterOTLP:
		if _, _, err := net.SplitHostPort(c.Endpoint); err != nil {
			return fmt.Errorf("tracing.endpoint %q: want host:port: %w", c.Endpoint, err)
		}
	default:
		return fmt.Errorf("tracing.exporter %q: want none, otlp or log", c.Exporter)
	}
	if c.SampleRatio < 0 || c.SampleRatio > 1 {
		return fmt.Errorf("tracing.sample_ratio %v: want 0 to 1", c.SampleRatio)
	}
	return nil
}

// Tracing is a service's tracer provider, or nothing when tracing is off.
type Tracing struct {
	provider *sdktrace.TracerProvider
	service  string
}

// shutdownTimeout bounds the flush of the spans still buffered at exit.
const shutdownTimeout = 5 * time.Second

// Start installs the global tracer provider of cfg for service. With
// tracing off it installs nothing and returns a Tracing whose methods do
// nothing.
func Start(ctx context.Context, cfg Config, service string, log *zap.Logger) (*Tracing, error) {
	t := &Tracing{service: service}
	if !cfg.Enabled() {
		return t, nil
	}
	var exporter sdktrace.SpanExporter
	var err error
	switch cfg.Exporter {
	case ExporterOTLP:
		exporter, err = otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(cfg.Endpoint), otlptracehttp.WithInsecure())
	case ExporterLog:
		exporter, err = stdouttrace.New(stdouttrace.WithWriter(os.Stdout))
	}
	if err != nil {
		return nil, fmt.Errorf("tracing: %s exporter: %w", cfg.Exporter, err)
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(semconv.ServiceName(service)))
	if err != nil {
		return nil, fmt.Errorf("tracing: resource: %w", err)
	}
	opts := []sdktrace.TracerProviderOption{
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SampleRatio))),
	}
	if cfg.Exporter == ExporterLog {
		// Each span is written when it ends, so that a log read right after
		// a saga holds all of it.
		opts = append(opts, sdktrace.WithSyncer(exporter))
	} else {
		opts = append(opts, sdktrace.WithBatcher(exporter))
	}
	t.provider = sdktrace.NewTracerProvider(opts...)
	otel.SetTracerProvider(t.provider)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	// An exporter that cannot reach its endpoint reports here; the spans are
	// dropped and the service goes on, so a WARN line is all it costs.
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		log.Warn("tracing: spans not exported", zap.Error(err))
	}))
	log.Info("tracing on", zap.String("exporter", cfg.Exporter), zap.String("endpoint", cfg.Endpoint),
		zap.Float64("sample_ratio", cfg.SampleRatio))
	return t, nil
}

// Shutdown flushes the spans not yet exported and stops the provider.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t.provider == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := t.provider.Shutdown(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("tracing: flush spans: %w", err)
	}
	return nil
}

// InstrumentDB adds a span per statement to db, when tracing is on.
func (t *Tracing) InstrumentDB(db *gorm.DB) error {
	if t.provider == nil {
		return nil
	}
	if err := db.Use(newSQLSpans(t.provider)); err != nil {
		return fmt.Errorf("tracing: instrument the database: %w", err)
	}
	return nil
}

// InstrumentHTTP adds a server span per request to e, when tracing is on.
// The probes and the scrapes are left out: they say nothing about an order.
func (t *Tracing) InstrumentHTTP(e *echo.Echo) {
	if t.provider == nil {
		return
	}
	e.Use(otelecho.Middleware(t.service, otelecho.WithTracerProvider(t.provider),
		otelecho.WithPropagators(propagation.TraceContext{}),
		otelecho.WithSkipper(func(c echo.Context) bool {
			p := c.Path()
			return p == "/healthz" || p == "/readyz" || p == "/metrics"
		})))
}

// Tracer is the tracer of the saga's messaging spans. It follows the global
// provider, so it is a no-op until Start installs one.
func Tracer() trace.Tracer { return otel.Tracer("github.com/food-ordering-system/infrastructure") }
