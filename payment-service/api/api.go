// Package api holds the OpenAPI 3 document of payment-service's HTTP API,
// embedded so the service serves it at GET /openapi.yaml and the REST tests
// check the handlers against it.
package api

import _ "embed"

// OpenAPI is the document, in YAML.
//
//go:embed openapi.yaml
var OpenAPI []byte

// AdminOpenAPI documents the admin listener's endpoints, which the public
// document leaves out; the REST tests check them against it.
//
//go:embed admin.yaml
var AdminOpenAPI []byte
