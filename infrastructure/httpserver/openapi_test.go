package httpserver_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/infrastructure/httpserver"
)

func TestOpenAPIServesTheDocumentAsYAML(t *testing.T) {
	document := []byte("openapi: 3.0.3\n")
	s := httpserver.New(httpserver.Config{Address: ":0"}, zaptest.NewLogger(t))
	s.Echo().GET("/openapi.yaml", httpserver.OpenAPI(document))

	rec := do(t, s.Handler(), "GET", "/openapi.yaml", "")

	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "application/yaml", rec.Header().Get("Content-Type"))
	assert.Equal(t, document, rec.Body.Bytes())
}
