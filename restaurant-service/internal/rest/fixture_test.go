package rest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/restaurant-service/api"
)

const baseURL = "http://localhost:8183"

func TestMain(m *testing.M) {
	// kin-openapi checks string formats it is told about; uuid is one the
	// document relies on.
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562))
	os.Exit(m.Run())
}

// contract serves requests through a server and checks every answer against
// the OpenAPI document, so that a handler cannot drift from what the
// document promises.
type contract struct {
	t      *testing.T
	server http.Handler
	router routers.Router
}

// newContract checks the document's validity and returns a contract over
// srv, whose routes the caller has registered.
func newContract(t *testing.T, srv *httpserver.Server) *contract {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPI)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(loader.Context), "the OpenAPI document is valid")
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)
	return &contract{t: t, server: srv.Handler(), router: router}
}

// get sends GET path, requires the document to describe the answer, and
// returns the answer with the document's verdict on the request.
func (c *contract) get(path string) (*httptest.ResponseRecorder, error) {
	c.t.Helper()
	rec := httptest.NewRecorder()
	c.server.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, baseURL+path, nil))

	specReq := httptest.NewRequest(http.MethodGet, baseURL+path, nil)
	route, params, err := c.router.FindRoute(specReq)
	require.NoError(c.t, err, "the document has the route GET %s", path)
	input := &openapi3filter.RequestValidationInput{Request: specReq, PathParams: params, Route: route}
	requestErr := openapi3filter.ValidateRequest(context.Background(), input)
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	})
	require.NoError(c.t, err, "the answer %d %s matches the document", rec.Code, rec.Body.String())
	return rec, requestErr
}

func TestOpenAPIDocumentIsServed(t *testing.T) {
	c := newContract(t, newServer(t, nil))

	rec, _ := c.get("/openapi.yaml")

	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "application/yaml", rec.Header().Get("Content-Type"))
	assert.Equal(t, api.OpenAPI, rec.Body.Bytes())
}

// TestProbesMatchTheDocument checks the shared server's endpoints, which the
// document describes too: alive, ready and not ready, and the metrics.
func TestProbesMatchTheDocument(t *testing.T) {
	down := httpserver.Check{Name: "postgres", Probe: func(context.Context) error { return errors.New("connection refused") }}
	up := httpserver.Check{Name: "kafka", Probe: func(context.Context) error { return nil }}
	for name, tt := range map[string]struct {
		checks []httpserver.Check
		path   string
		status int
	}{
		"alive":     {nil, "/healthz", http.StatusOK},
		"ready":     {[]httpserver.Check{up}, "/readyz", http.StatusOK},
		"not ready": {[]httpserver.Check{up, down}, "/readyz", http.StatusServiceUnavailable},
		"metrics":   {nil, "/metrics", http.StatusOK},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httpserver.New(httpserver.Config{Address: "127.0.0.1:0"}, zap.NewNop(), tt.checks...)
			srv.ServeMetrics(prometheus.NewRegistry())
			c := newContract(t, srv)

			rec, requestErr := c.get(tt.path)

			require.NoError(t, requestErr)
			assert.Equal(t, tt.status, rec.Code, rec.Body.String())
		})
	}
}
