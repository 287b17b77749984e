package httpserver

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// OpenAPI returns the handler of GET /openapi.yaml for a service whose API
// document, embedded from its api package, is document.
func OpenAPI(document []byte) echo.HandlerFunc {
	return func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/yaml", document)
	}
}
