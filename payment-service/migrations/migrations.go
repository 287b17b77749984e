// Package migrations holds payment-service's schema as golang-migrate files,
// embedded so the binary applies them at start (postgres.Migrate). The files
// name no schema: the connection's search_path is the service's schema.
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
