package rest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/infrastructure/httpserver/openapitest"
	"github.com/food-ordering-system/payment-service/api"
)

// baseURL is the document's server URL.
const baseURL = "http://localhost:8182"

func TestOpenAPIDocumentIsServed(t *testing.T) {
	c := openapitest.New(t, api.OpenAPI, baseURL, newServer(t, nil).Handler())

	rec, _ := c.Get("/openapi.yaml")

	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "application/yaml", rec.Header().Get("Content-Type"))
	assert.Equal(t, api.OpenAPI, rec.Body.Bytes())
}

func TestProbesMatchTheDocument(t *testing.T) {
	openapitest.ProbesMatch(t, api.OpenAPI, baseURL)
}
