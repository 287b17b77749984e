package rest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/rest"
)

// validatingService stands in for the application service: it validates the
// command exactly as OrderCreateHelper does before it opens a
// transaction, and counts the orders that would be written.
type validatingService struct {
	application.OrderApplicationService // the methods the fuzz target never calls
	written                             atomic.Int64
	// unstorable counts accepted commands whose text PostgreSQL's text
	// columns would refuse: a 500 waiting to happen.
	unstorable atomic.Int64
}

func (s *validatingService) CreateOrder(_ context.Context, cmd application.CreateOrderCommand) (application.CreateOrderResponse, error) {
	if err := cmd.Validate(application.DefaultMaxOrderItems); err != nil {
		return application.CreateOrderResponse{}, err
	}
	s.written.Add(1)
	for _, text := range []string{cmd.Address.Street, cmd.Address.PostalCode, cmd.Address.City} {
		if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
			s.unstorable.Add(1)
		}
	}
	return application.CreateOrderResponse{OrderTrackingID: kernel.NewID[kernel.TrackingID](),
		OrderStatus: kernel.OrderStatusPending, Message: application.OrderCreatedMessage}, nil
}

// FuzzCreateOrder sends arbitrary bodies to POST /orders. Whatever the body,
// the handler does not panic and never answers 5xx; a refusal is a 4xx with
// a code and a message; nothing is written unless the answer is 201; and
// what is accepted is one JSON value (nothing after it) and can be stored
// (no NUL, valid UTF-8). The
// seed corpus is testdata/fuzz/FuzzCreateOrder plus the bodies below.
func FuzzCreateOrder(f *testing.F) {
	for _, seed := range []string{
		sampleBody,
		`{}`, `[]`, `null`, `{"x":`, ``, `"order"`,
		strings.Replace(sampleBody, `"quantity": 3`, `"quantity": 3000000000`, 1),
		strings.Replace(sampleBody, `"price": 200.00`, `"price": 1e40`, 1),
		strings.Replace(sampleBody, `"price": 200.00`, `"price": 200.001`, 1),
		strings.Replace(sampleBody, `"items": [`, `"items": [{}, `, 1),
		strings.Replace(sampleBody, `"street_1"`, `"\u0000"`, 1),
		sampleBody + `]`, sampleBody + `}`,
		strings.Replace(sampleBody, `"price": 200.00`, `"price": "200.00"`, 1),
		strings.Replace(sampleBody, `"customerId"`, `"customerid"`, 1),
	} {
		f.Add(seed)
	}
	svc := &validatingService{}
	srv := httpserver.New(httpserver.Config{Address: "127.0.0.1:0", BodyLimit: "64K"}, zap.NewNop())
	rest.NewOrderHandler(svc).Register(srv.Echo())
	handler := srv.Handler()

	f.Fuzz(func(t *testing.T, body string) {
		before := svc.written.Load()
		req := httptest.NewRequest(http.MethodPost, "/orders", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()

		handler.ServeHTTP(rec, req)

		if rec.Code >= 500 {
			t.Fatalf("body %q: status %d: %s", body, rec.Code, rec.Body.String())
		}
		if rec.Code == http.StatusCreated {
			if svc.written.Load() != before+1 {
				t.Fatalf("body %q: 201 without exactly one order written", body)
			}
			if svc.unstorable.Load() != 0 {
				t.Fatalf("body %q: accepted text that PostgreSQL cannot store", body)
			}
			if !json.Valid([]byte(body)) {
				t.Fatalf("body %q: accepted what is not one JSON value", body)
			}
			return
		}
		if svc.written.Load() != before {
			t.Fatalf("body %q: refused with %d, yet an order was written", body, rec.Code)
		}
		if rec.Code < 400 {
			t.Fatalf("body %q: status %d is neither 201 nor a refusal", body, rec.Code)
		}
		var e httpserver.ErrorResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" || e.Message == "" {
			t.Fatalf("body %q: refusal %d without code and message: %s", body, rec.Code, rec.Body.String())
		}
	})
}
