package tracing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
	"gorm.io/gorm"
)

// dbRowsAffected has no semantic convention; it is the name gorm's own
// OpenTelemetry plugin gave it, so dashboards built on that keep working.
const dbRowsAffected = attribute.Key("db.rows_affected")

// sqlSpans is a gorm plugin that wraps every statement in a client span: the
// statement's SQL with its placeholders (never the bound values, which hold
// customers' data), the table, the rows affected and the error. It is ours
// rather than gorm.io/plugin/opentelemetry because that one links the
// ClickHouse and MySQL drivers into every binary to name their servers.
type sqlSpans struct {
	tracer trace.Tracer
}

// newSQLSpans returns the plugin, its spans made by provider.
func newSQLSpans(provider trace.TracerProvider) *sqlSpans {
	return &sqlSpans{tracer: provider.Tracer("github.com/food-ordering-system/infrastructure/tracing/sql")}
}

// Name is the plugin's name in gorm's registry.
func (*sqlSpans) Name() string { return "tracing:sql" }

// registrar is what gorm's Before and After return: the place a callback
// goes.
type registrar interface {
	Register(name string, fn func(*gorm.DB)) error
}

// Initialize registers a callback before and after each of gorm's six
// statement kinds.
func (p *sqlSpans) Initialize(db *gorm.DB) error {
	cb := db.Callback()
	kinds := []struct {
		name          string
		before, after registrar
	}{
		{"create", cb.Create().Before("gorm:create"), cb.Create().After("gorm:create")},
		{"query", cb.Query().Before("gorm:query"), cb.Query().After("gorm:query")},
		{"update", cb.Update().Before("gorm:update"), cb.Update().After("gorm:update")},
		{"delete", cb.Delete().Before("gorm:delete"), cb.Delete().After("gorm:delete")},
		{"row", cb.Row().Before("gorm:row"), cb.Row().After("gorm:row")},
		{"raw", cb.Raw().Before("gorm:raw"), cb.Raw().After("gorm:raw")},
	}
	for _, k := range kinds {
		if err := k.before.Register("tracing:before_"+k.name, p.start); err != nil {
			return fmt.Errorf("register before %s: %w", k.name, err)
		}
		if err := k.after.Register("tracing:after_"+k.name, p.end); err != nil {
			return fmt.Errorf("register after %s: %w", k.name, err)
		}
	}
	return nil
}

// statementContext is the statement's context while its span is open; it
// remembers the context the statement came with, which end puts back so the
// next statement on the same session is not the child of this one.
type statementContext struct {
	context.Context
	parent context.Context
}

func (p *sqlSpans) start(tx *gorm.DB) {
	parent := tx.Statement.Context
	// The name is provisional: the SQL, and so the operation, is known only
	// once gorm has built it.
	ctx, _ := p.tracer.Start(parent, "sql", trace.WithSpanKind(trace.SpanKindClient))
	tx.Statement.Context = statementContext{Context: ctx, parent: parent}
}

func (p *sqlSpans) end(tx *gorm.DB) {
	sc, ok := tx.Statement.Context.(statementContext)
	if !ok {
		return
	}
	tx.Statement.Context = sc.parent
	span := trace.SpanFromContext(sc.Context)
	defer span.End()
	if !span.IsRecording() {
		return
	}
	query := tx.Statement.SQL.String()
	operation := operationOf(query)
	attrs := []attribute.KeyValue{semconv.DBSystemPostgreSQL, semconv.DBQueryText(query)}
	if operation != "" {
		attrs = append(attrs, semconv.DBOperationName(operation))
	}
	name := operation
	if table := tx.Statement.Table; table != "" {
		attrs = append(attrs, semconv.DBCollectionName(table))
		name = strings.TrimSpace(operation + " " + table)
	}
	if name != "" {
		span.SetName(name)
	}
	if tx.Statement.RowsAffected >= 0 {
		attrs = append(attrs, dbRowsAffected.Int64(tx.Statement.RowsAffected))
	}
	span.SetAttributes(attrs...)
	// Finding nothing is an answer, not a failure.
	if err := tx.Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && !errors.Is(err, sql.ErrNoRows) {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
}

// operationOf is the first word of query, lower case ("insert", "select",
// "with"), after any leading comments; empty when there is none.
func operationOf(query string) string {
	s := query
	for {
		s = strings.TrimLeft(s, " \t\r\n;(")
		switch {
		case strings.HasPrefix(s, "--"):
			end := strings.IndexByte(s, '\n')
			if end < 0 {
				return ""
			}
			s = s[end+1:]
		case strings.HasPrefix(s, "/*"):
			end := strings.Index(s, "*/")
			if end < 0 {
				return ""
			}
			s = s[end+2:]
		default:
			end := strings.IndexFunc(s, func(r rune) bool {
				return r != '_' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z')
			})
			if end < 0 {
				end = len(s)
			}
			return strings.ToLower(s[:end])
		}
	}
}
