// Package migrations holds order-service's SQL migrations (golang-migrate
// file names), embedded so the binary applies them at start with
// postgres.Prepare. The files name no schema: the connection's search_path is
// the service's schema ("order" by default).
package migrations

import "embed"

// FS is the migration files.
//
//go:embed *.sql
var FS embed.FS

// DevelopmentSeed is the development reference data (seed/development.sql),
// applied after the migrations only where postgres.seed is set.
//
//go:embed seed/development.sql
var DevelopmentSeed string
