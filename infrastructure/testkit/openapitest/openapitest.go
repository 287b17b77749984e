// Package openapitest checks a service's HTTP exchanges against its OpenAPI
// document, so that no handler can drift from what the document promises.
// Every service's REST tests use it; it is for tests only. It also gives
// tests that start the servers for real a free address to listen on.
package openapitest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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
)

// uuidFormat registers, once per process, the string format the documents
// rely on: kin-openapi checks only the formats it is told about.
var uuidFormat sync.Once

// Contract serves requests through a handler and checks every answer
// against the document.
type Contract struct {
	t       testing.TB
	server  http.Handler
	router  routers.Router
	baseURL string
}

// New checks that document is a valid OpenAPI document and returns a
// contract over server, whose routes the caller has registered. baseURL is
// the document's server URL (http://localhost:8181).
func New(t testing.TB, document []byte, baseURL string, server http.Handler) *Contract {
	t.Helper()
	uuidFormat.Do(func() {
		openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562))
	})
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(document)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(loader.Context), "the OpenAPI document is valid")
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)
	return &Contract{t: t, server: server, router: router, baseURL: baseURL}
}

// Do sends the request, requires the document to describe the answer
// whatever the request was, and returns the answer with the document's
// verdict on the request (nil when the document accepts it).
func (c *Contract) Do(method, path string, header http.Header, body string) (*httptest.ResponseRecorder, error) {
	c.t.Helper()
	req := httptest.NewRequest(method, c.baseURL+path, strings.NewReader(body))
	req.Header = header.Clone()
	rec := httptest.NewRecorder()
	c.server.ServeHTTP(rec, req)

	specReq := httptest.NewRequest(method, c.baseURL+path, strings.NewReader(body))
	specReq.Header = header.Clone()
	route, params, err := c.router.FindRoute(specReq)
	require.NoError(c.t, err, "the document has the route %s %s", method, path)
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

// Get is Do for a GET without headers or body.
func (c *Contract) Get(path string) (*httptest.ResponseRecorder, error) {
	c.t.Helper()
	return c.Do(http.MethodGet, path, http.Header{}, "")
}

// ProbesMatch checks the endpoints every service's admin listener gets from
// httpserver against its admin document: alive, ready and not ready, and
// the metrics.
func ProbesMatch(t *testing.T, document []byte, baseURL string) {
	t.Helper()
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
			srv := httpserver.NewAdmin(httpserver.Config{}, httpserver.AdminConfig{Address: "127.0.0.1:0"}, zap.NewNop(), tt.checks...)
			srv.ServeMetrics(prometheus.NewRegistry())

			rec, requestErr := New(t, document, baseURL, srv.Handler()).Get(tt.path)

			require.NoError(t, requestErr)
			assert.Equal(t, tt.status, rec.Code, rec.Body.String())
		})
	}
}

// FreeAddress returns an address of 127.0.0.1 that was free a moment ago,
// for a server the test starts.
func FreeAddress(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	addr := ln.Addr().String()
	require.NoError(tb, ln.Close())
	return addr
}
