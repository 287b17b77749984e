package tracing

import (
	"go.opentelemetry.io/otel/trace"
	"gorm.io/gorm"
)

// SQLSpans is the SQL plugin, for the tests to install with a provider of
// their own.
func SQLSpans(provider trace.TracerProvider) gorm.Plugin { return newSQLSpans(provider) }
