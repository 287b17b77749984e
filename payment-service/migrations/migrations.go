// Package migrations holds payment-service's schema as golang-migrate files,
// embedded so the binary applies them at start (postgres.Prepare). The files
// name no schema: the connection's search_path is the service's schema.
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS

// DevelopmentSeed is the development reference data (seed/development.sql),
// applied after the migrations only where postgres.seed is set.
//
//go:embed seed/development.sql
var DevelopmentSeed string
