package rest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/infrastructure/testkit/openapitest"
	"github.com/food-ordering-system/payment-service/api"
)

// baseURL and adminURL are the server URLs of the public and the admin
// document.
const (
	baseURL  = "http://localhost:8182"
	adminURL = "http://localhost:9182"
)

func TestOpenAPIDocumentIsServed(t *testing.T) {
	c := openapitest.New(t, api.OpenAPI, baseURL, newServer(t, nil).Handler())

	rec, _ := c.Get("/openapi.yaml")

	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "application/yaml", rec.Header().Get("Content-Type"))
	assert.Equal(t, api.OpenAPI, rec.Body.Bytes())
}

func TestProbesMatchTheAdminDocument(t *testing.T) {
	openapitest.ProbesMatch(t, api.AdminOpenAPI, adminURL)
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		assert.NotContains(t, string(api.OpenAPI), "\n  "+path+":", "the public document leaves the admin listener's %s out", path)
	}
}
