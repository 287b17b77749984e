// Package migrations holds restaurant-service's SQL migrations, embedded so
// the binary applies them at start (postgres.Prepare). The files name no
// schema: the connection's search_path is the service's schema.
package migrations

import "embed"

// FS is the golang-migrate file set: NNNNNN_name.up.sql / .down.sql.
//
//go:embed *.sql
var FS embed.FS

// DevelopmentSeed is the development reference data (seed/development.sql),
// applied after the migrations only where postgres.seed is set.
//
//go:embed seed/development.sql
var DevelopmentSeed string
