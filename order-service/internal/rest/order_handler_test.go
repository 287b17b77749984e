package rest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/golang/mock/gomock"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/infrastructure/testkit/openapitest"
	"github.com/food-ordering-system/order-service/api"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/application/mocks"
	"github.com/food-ordering-system/order-service/internal/rest"
)

const (
	baseURL  = "http://localhost:8181"
	adminURL = "http://localhost:9181"
)

var (
	customerID   = kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb41")
	restaurantID = kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb45")
	productID    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb48")
	trackingID   = kernel.MustParseID[kernel.TrackingID]("6f2b8a52-3c0e-4a44-9a1c-6c2d8e5f7a10")
	orderID      = kernel.MustParseID[kernel.OrderID]("5a1c2d3e-4f50-4617-8899-aabbccddeeff")
)

// sampleBody is the original system's sample order.
const sampleBody = `{
  "customerId": "d215b5f8-0249-4dc5-89a3-51fd148cfb41",
  "restaurantId": "d215b5f8-0249-4dc5-89a3-51fd148cfb45",
  "address": {"street": "street_1", "postalCode": "1000AB", "city": "Amsterdam"},
  "price": 200.00,
  "items": [
    {"productId": "d215b5f8-0249-4dc5-89a3-51fd148cfb48", "quantity": 1, "price": 50.00, "subTotal": 50.00},
    {"productId": "d215b5f8-0249-4dc5-89a3-51fd148cfb48", "quantity": 3, "price": 50.00, "subTotal": 150.00}
  ]
}`

func sampleCommand() application.CreateOrderCommand {
	return application.CreateOrderCommand{
		CustomerID:   customerID,
		RestaurantID: restaurantID,
		Price:        kernel.MustParseMoney("200"),
		Items: []application.OrderItemCommand{
			{ProductID: productID, Quantity: 1, Price: kernel.MustParseMoney("50"), SubTotal: kernel.MustParseMoney("50")},
			{ProductID: productID, Quantity: 3, Price: kernel.MustParseMoney("50"), SubTotal: kernel.MustParseMoney("150")},
		},
		Address: application.OrderAddress{Street: "street_1", PostalCode: "1000AB", City: "Amsterdam"},
	}
}

// apiTest serves the handlers through the shared httpserver (its error
// handler and body limit) and checks every exchange against the OpenAPI
// document.
type apiTest struct {
	t        *testing.T
	app      *mocks.MockOrderApplicationService
	sagas    *mocks.MockOrderSagaQueryService
	contract *openapitest.Contract
	// admin is the admin listener, checked against the admin document.
	admin *openapitest.Contract
	// public is the public listener's handler, unchecked.
	public http.Handler
}

// newAPITest serves the handlers on the public and the admin listener, with
// the probes (with checks for /readyz) and the metrics, as the service does.
func newAPITest(t *testing.T, checks ...httpserver.Check) *apiTest {
	t.Helper()
	ctrl := gomock.NewController(t)
	app := mocks.NewMockOrderApplicationService(ctrl)
	sagas := mocks.NewMockOrderSagaQueryService(ctrl)
	srv := httpserver.NewServers(httpserver.Config{Address: "127.0.0.1:0", BodyLimit: "2K"},
		httpserver.AdminConfig{Address: "127.0.0.1:0"}, zap.NewNop(), checks...)
	srv.ServeMetrics(prometheus.NewRegistry())
	rest.NewOrderHandler(app).Register(srv.API.Echo())
	rest.NewSagaHandler(sagas).Register(srv.API.Echo(), srv.Admin.Echo())
	return &apiTest{t: t, app: app, sagas: sagas, contract: openapitest.New(t, api.OpenAPI, baseURL, srv.API.Handler()),
		admin: openapitest.New(t, api.AdminOpenAPI, adminURL, srv.Admin.Handler()), public: srv.API.Handler()}
}

// exchange is one request and its answer, with the document's verdict on the
// request.
type exchange struct {
	rec        *httptest.ResponseRecorder
	requestErr error
}

func (a *apiTest) do(method, path, contentType, body string) exchange {
	a.t.Helper()
	header := http.Header{}
	if contentType != "" {
		header.Set("Content-Type", contentType)
	}
	return a.doWithHeader(method, path, header, body)
}

// doAdmin sends a GET to the admin listener.
func (a *apiTest) doAdmin(path string) exchange {
	a.t.Helper()
	rec, requestErr := a.admin.Get(path)
	return exchange{rec: rec, requestErr: requestErr}
}

// doWithHeader is do with any request headers.
func (a *apiTest) doWithHeader(method, path string, header http.Header, body string) exchange {
	a.t.Helper()
	rec, requestErr := a.contract.Do(method, path, header, body)
	return exchange{rec: rec, requestErr: requestErr}
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v), rec.Body.String())
	return v
}

func TestCreateOrder(t *testing.T) {
	a := newAPITest(t)
	a.app.EXPECT().CreateOrder(gomock.Any(), sampleCommand()).Return(application.CreateOrderResponse{
		OrderTrackingID: trackingID, OrderStatus: kernel.OrderStatusPending, Message: application.OrderCreatedMessage,
	}, nil)

	ex := a.do(http.MethodPost, "/orders", "application/json", sampleBody)

	require.NoError(t, ex.requestErr, "the sample order is a valid request")
	assert.Equal(t, http.StatusCreated, ex.rec.Code)
	assert.Equal(t, "/orders/"+trackingID.String(), ex.rec.Header().Get("Location"))
	assert.JSONEq(t, `{"orderTrackingId":"`+trackingID.String()+`","orderStatus":"PENDING","message":"Order created successfully"}`, ex.rec.Body.String())
}

func TestCreateOrderApplicationErrors(t *testing.T) {
	tests := []struct {
		err     error
		status  int
		code    string
		message string
	}{
		{kernel.Errorf(kernel.ECodeInvalid, "Could not find customer with customer id: %s", customerID), 400, "invalid",
			"Could not find customer with customer id: d215b5f8-0249-4dc5-89a3-51fd148cfb41"},
		{kernel.Errorf(kernel.ECodeUnavailable, "find customer d215b5f8: database unavailable"), 503, "unavailable", "service temporarily unavailable; try again"},
		{fmt.Errorf("pq: connection reset by peer at 10.0.0.7"), 500, "internal", "unexpected error"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			a := newAPITest(t)
			a.app.EXPECT().CreateOrder(gomock.Any(), gomock.Any()).Return(application.CreateOrderResponse{}, tt.err)

			ex := a.do(http.MethodPost, "/orders", "application/json", sampleBody)

			assert.Equal(t, tt.status, ex.rec.Code)
			assert.Equal(t, httpserver.ErrorResponse{Code: tt.code, Message: tt.message}, decode[httpserver.ErrorResponse](t, ex.rec))
		})
	}
}

// edit returns the sample body with one change applied to its JSON.
func edit(t *testing.T, change func(m map[string]any)) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(sampleBody), &m))
	change(m)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return string(b)
}

func item(m map[string]any, i int) map[string]any { return m["items"].([]any)[i].(map[string]any) }

func TestCreateOrderRefusesBadInputAndWritesNothing(t *testing.T) {
	rawPrice := func(price string) string {
		return strings.Replace(sampleBody, `"price": 200.00`, `"price": `+price, 1)
	}
	rawQuantity := func(quantity string) string {
		return strings.Replace(sampleBody, `"quantity": 1,`, `"quantity": `+quantity+`,`, 1)
	}
	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		message     string
		// specRefuses: the document alone already rejects the request.
		specRefuses bool
		// byApplication: the request is well-formed and reaches the
		// application, whose validation (the only one) refuses it.
		byApplication bool
	}{
		{"malformed JSON", "application/json", `{"customerId": `, 400, "malformed JSON", true, false},
		{"empty body", "application/json", ``, 400, "request body is empty", true, false},
		{"two values", "application/json", sampleBody + sampleBody, 400, "malformed JSON: content after the JSON value", false, false},
		{"not an object", "application/json", `[1,2]`, 400, "body must be a JSON object", true, false},
		{"customer missing", "application/json", edit(t, func(m map[string]any) { delete(m, "customerId") }), 400, "customerId is required", true, false},
		{"restaurant not a uuid", "application/json", edit(t, func(m map[string]any) { m["restaurantId"] = "restaurant_1" }), 400,
			`restaurantId is not a valid UUID: "restaurant_1"`, true, false},
		{"address missing", "application/json", edit(t, func(m map[string]any) { delete(m, "address") }), 400, "address is required", true, false},
		{"price missing", "application/json", edit(t, func(m map[string]any) { delete(m, "price") }), 400, "price is required", true, false},
		{"items missing", "application/json", edit(t, func(m map[string]any) { delete(m, "items") }), 400, "items is required", true, false},
		{"product not a uuid", "application/json", edit(t, func(m map[string]any) { item(m, 1)["productId"] = "x" }), 400,
			`items[1].productId is not a valid UUID: "x"`, true, false},
		{"quantity missing", "application/json", edit(t, func(m map[string]any) { delete(item(m, 0), "quantity") }), 400, "items[0].quantity is required", true, false},
		{"quantity not an integer", "application/json", edit(t, func(m map[string]any) { item(m, 0)["quantity"] = 1.5 }), 400, "items.quantity must be a JSON integer", true, false},
		{"quantity a string", "application/json", edit(t, func(m map[string]any) { item(m, 0)["quantity"] = "1" }), 400, "items.quantity must be a JSON integer", true, false},
		{"quantity beyond every integer type", "application/json", rawQuantity("99999999999999999999"), 400, "items.quantity is out of range", true, false},
		{"price with three decimals", "application/json", rawPrice("200.001"), 400, "price: at most two decimals", false, false},
		{"trailing ]", "application/json", sampleBody + "]", 400, "malformed JSON: content after the JSON value", false, false},
		{"trailing }", "application/json", sampleBody + "}", 400, "malformed JSON: content after the JSON value", false, false},
		{"duplicate key", "application/json", strings.Replace(sampleBody, `"price": 200.00,`, `"price": 200.00, "price": 1.00,`, 1), 400,
			"price: duplicate key", false, false},
		{"duplicate key in an item", "application/json", strings.Replace(sampleBody, `"quantity": 1,`, `"quantity": 1, "quantity": 2,`, 1), 400,
			"items[0].quantity: duplicate key", false, false},
		{"key in another case beside the exact one", "application/json",
			strings.Replace(sampleBody, `"price": 200.00,`, `"price": 200.00, "customerid": "d215b5f8-0249-4dc5-89a3-51fd148cfb43",`, 1), 400,
			"customerid: unknown property; property names are case-sensitive (did you mean customerId?)", false, false},
		{"key in another case alone", "application/json", strings.Replace(sampleBody, `"street":`, `"Street":`, 1), 400,
			"address.Street: unknown property; property names are case-sensitive (did you mean street?)", false, false},
		{"price a string", "application/json", rawPrice(`"200.00"`), 400, "price: must be a JSON number, not a string", true, false},
		{"item price a string", "application/json", edit(t, func(m map[string]any) { item(m, 1)["price"] = "50.00" }), 400,
			"items[1].price: must be a JSON number, not a string", true, false},
		{"item price an object", "application/json", edit(t, func(m map[string]any) { item(m, 0)["price"] = map[string]any{"amount": 50} }), 400,
			"items[0].price: must be a JSON number", true, false},
		{"price with an exponent", "application/json", rawPrice("2e2"), 400, "price: must be written without an exponent", false, false},
		{"subTotal with an exponent", "application/json", strings.Replace(sampleBody, `"subTotal": 150.00`, `"subTotal": 1.5E2`, 1), 400,
			"items[1].subTotal: must be written without an exponent", false, false},
		{"item price with three decimals", "application/json", strings.Replace(sampleBody, `"price": 50.00, "subTotal": 50.00`, `"price": 50.000, "subTotal": 50.00`, 1), 400,
			"items[0].price: at most two decimals", false, false},
		{"not JSON content", "text/plain", sampleBody, 415, "Content-Type must be application/json", true, false},
		{"body over the limit", "application/json", edit(t, func(m map[string]any) { m["padding"] = strings.Repeat("x", 4096) }), 413,
			"Request Entity Too Large", false, false},

		{"city empty", "application/json", edit(t, func(m map[string]any) { m["address"].(map[string]any)["city"] = "" }), 400, "address.city is required", true, true},
		{"items empty", "application/json", edit(t, func(m map[string]any) { m["items"] = []any{} }), 400, "items must not be empty", true, true},
		{"quantity zero", "application/json", edit(t, func(m map[string]any) { item(m, 0)["quantity"] = 0 }), 400, "items[0].quantity must be at least 1", true, true},
		{"quantity negative", "application/json", edit(t, func(m map[string]any) { item(m, 0)["quantity"] = -2 }), 400, "items[0].quantity must be at least 1", true, true},
		{"quantity beyond int32", "application/json", rawQuantity("3000000000"), 400, "items[0].quantity must be at most 10000", true, true},
		{"quantity over the maximum", "application/json", rawQuantity("10001"), 400, "items[0].quantity must be at most 10000", true, true},
		{"price negative", "application/json", rawPrice("-200.00"), 400, "price must not be negative", true, true},
		{"price over numeric(12,2)", "application/json", rawPrice("10000000000.00"), 400, "price must be at most 9999999999.99", true, true},
		{"item price negative", "application/json", edit(t, func(m map[string]any) { item(m, 0)["price"] = -50 }), 400, "items[0].price must not be negative", true, true},
		{"item price over numeric(12,2)", "application/json", edit(t, func(m map[string]any) {
			item(m, 0)["price"], item(m, 0)["subTotal"] = 1e10, 1e10
		}), 400, "items[0].price must be at most 9999999999.99", true, true},
		{"subTotal not price × quantity", "application/json", edit(t, func(m map[string]any) { item(m, 1)["subTotal"] = 100 }), 400,
			"items[1].subTotal 100.00 is not price 50.00 × quantity 3", false, true},
		{"too many items", "application/json", edit(t, func(m map[string]any) {
			m["items"] = append(m["items"].([]any), item(m, 0), item(m, 0))
		}), 400, "items must not have more than 3 entries", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPITest(t) // without an expectation the mock refuses any call
			if tt.byApplication {
				a.expectValidationOnly()
			}

			ex := a.do(http.MethodPost, "/orders", tt.contentType, tt.body)

			assert.Equal(t, tt.status, ex.rec.Code, ex.rec.Body.String())
			body := decode[httpserver.ErrorResponse](t, ex.rec)
			assert.Equal(t, tt.message, body.Message)
			if tt.status == 400 {
				assert.Equal(t, "invalid", body.Code)
			}
			if tt.specRefuses {
				assert.Error(t, ex.requestErr, "the document also refuses this request")
			}
		})
	}
}

// expectValidationOnly expects one CreateOrder whose command the
// application's validation refuses: the application validates, the handler
// only passes the command on, and nothing is written.
func (a *apiTest) expectValidationOnly() {
	a.app.EXPECT().CreateOrder(gomock.Any(), gomock.Any()).DoAndReturn(
		func(_ context.Context, cmd application.CreateOrderCommand) (application.CreateOrderResponse, error) {
			err := cmd.Validate(3)
			assert.Error(a.t, err, "the command reaches the application unvalidated and is refused there")
			return application.CreateOrderResponse{}, err
		})
}

func TestCreateOrderWithAnIdempotencyKey(t *testing.T) {
	keyed := func(key string) application.CreateOrderCommand {
		cmd := sampleCommand()
		cmd.IdempotencyKey = key
		return cmd
	}
	header := func(keys ...string) http.Header {
		h := http.Header{"Content-Type": {"application/json"}}
		for _, k := range keys {
			h.Add("Idempotency-Key", k)
		}
		return h
	}
	created := application.CreateOrderResponse{OrderTrackingID: trackingID, OrderStatus: kernel.OrderStatusPending, Message: application.OrderCreatedMessage}
	createdBody := `{"orderTrackingId":"` + trackingID.String() + `","orderStatus":"PENDING","message":"Order created successfully"}`

	t.Run("the key reaches the application with the order", func(t *testing.T) {
		a := newAPITest(t)
		a.app.EXPECT().CreateOrder(gomock.Any(), keyed("9b1f0c3e-retry")).Return(created, nil)

		ex := a.doWithHeader(http.MethodPost, "/orders", header("9b1f0c3e-retry"), sampleBody)

		require.NoError(t, ex.requestErr)
		assert.Equal(t, http.StatusCreated, ex.rec.Code)
		assert.Empty(t, ex.rec.Header().Get("Idempotent-Replayed"), "a first answer is not a replay")
		assert.JSONEq(t, createdBody, ex.rec.Body.String())
	})
	t.Run("a replay answers 201 again, marked", func(t *testing.T) {
		a := newAPITest(t)
		replayed := created
		replayed.Replayed = true
		a.app.EXPECT().CreateOrder(gomock.Any(), keyed("k")).Return(replayed, nil)

		ex := a.doWithHeader(http.MethodPost, "/orders", header("k"), sampleBody)

		assert.Equal(t, http.StatusCreated, ex.rec.Code)
		assert.Equal(t, "true", ex.rec.Header().Get("Idempotent-Replayed"))
		assert.Equal(t, "/orders/"+trackingID.String(), ex.rec.Header().Get("Location"))
		assert.JSONEq(t, createdBody, ex.rec.Body.String())
	})
	t.Run("the key reused for another order is 422", func(t *testing.T) {
		a := newAPITest(t)
		a.app.EXPECT().CreateOrder(gomock.Any(), keyed("k")).Return(application.CreateOrderResponse{},
			fmt.Errorf("create: %w", kernel.WrapError(kernel.ECodeInvalid, application.ErrIdempotencyKeyReused,
				"Idempotency-Key was already used for a different order request")))

		ex := a.doWithHeader(http.MethodPost, "/orders", header("k"), sampleBody)

		assert.Equal(t, http.StatusUnprocessableEntity, ex.rec.Code)
		assert.Equal(t, httpserver.ErrorResponse{Code: "idempotency_key_reused", Message: "Idempotency-Key was already used for a different order request"},
			decode[httpserver.ErrorResponse](t, ex.rec))
	})
	t.Run("the key is validated by the application", func(t *testing.T) {
		a := newAPITest(t)
		a.expectValidationOnly()

		ex := a.doWithHeader(http.MethodPost, "/orders", header(strings.Repeat("k", 256)), sampleBody)

		assert.Error(t, ex.requestErr, "the document refuses a key of 256 characters")
		assert.Equal(t, http.StatusBadRequest, ex.rec.Code)
		assert.Equal(t, httpserver.ErrorResponse{Code: "invalid", Message: "Idempotency-Key must be 1 to 255 printable ASCII characters"},
			decode[httpserver.ErrorResponse](t, ex.rec))
	})
	for name, tt := range map[string]struct {
		header  http.Header
		message string
	}{
		"an empty key is 400": {header(""), "Idempotency-Key must not be empty"},
		"two keys are 400":    {header("a", "b"), "Idempotency-Key must be given once"},
	} {
		t.Run(name, func(t *testing.T) {
			a := newAPITest(t)

			ex := a.doWithHeader(http.MethodPost, "/orders", tt.header, sampleBody)

			assert.Equal(t, http.StatusBadRequest, ex.rec.Code)
			assert.Equal(t, httpserver.ErrorResponse{Code: "invalid", Message: tt.message}, decode[httpserver.ErrorResponse](t, ex.rec))
		})
	}
}

func TestCreateOrderConflictShowsAFixedMessage(t *testing.T) {
	a := newAPITest(t)
	a.app.EXPECT().CreateOrder(gomock.Any(), gomock.Any()).Return(application.CreateOrderResponse{},
		kernel.Errorf(kernel.ECodeConflict, "insert order 5a1c2d3e: conflicts with a concurrent change"))

	ex := a.do(http.MethodPost, "/orders", "application/json", sampleBody)

	assert.Equal(t, http.StatusConflict, ex.rec.Code)
	assert.Equal(t, httpserver.ErrorResponse{Code: "conflict", Message: "the request conflicts with a concurrent change; try again"},
		decode[httpserver.ErrorResponse](t, ex.rec))
}

func TestTrackOrder(t *testing.T) {
	a := newAPITest(t)
	a.app.EXPECT().TrackOrder(gomock.Any(), application.TrackOrderQuery{OrderTrackingID: trackingID}).Return(application.TrackOrderResponse{
		OrderID: orderID, OrderTrackingID: trackingID, OrderStatus: kernel.OrderStatusCancelled,
		FailureMessages: []string{"Product with id x is not available"},
	}, nil)

	ex := a.do(http.MethodGet, "/orders/"+trackingID.String(), "", "")

	require.NoError(t, ex.requestErr)
	assert.Equal(t, http.StatusOK, ex.rec.Code)
	assert.JSONEq(t, `{"orderId":"`+orderID.String()+`","orderTrackingId":"`+trackingID.String()+
		`","orderStatus":"CANCELLED","failureMessages":["Product with id x is not available"]}`, ex.rec.Body.String())
}

func TestTrackOrderWithoutFailuresAnswersAnEmptyList(t *testing.T) {
	a := newAPITest(t)
	a.app.EXPECT().TrackOrder(gomock.Any(), gomock.Any()).Return(application.TrackOrderResponse{
		OrderID: orderID, OrderTrackingID: trackingID, OrderStatus: kernel.OrderStatusPending,
	}, nil)

	ex := a.do(http.MethodGet, "/orders/"+trackingID.String(), "", "")

	assert.Contains(t, ex.rec.Body.String(), `"failureMessages":[]`)
}

func TestTrackOrderErrors(t *testing.T) {
	t.Run("unknown tracking id", func(t *testing.T) {
		a := newAPITest(t)
		a.app.EXPECT().TrackOrder(gomock.Any(), gomock.Any()).Return(application.TrackOrderResponse{},
			kernel.Errorf(kernel.ECodeNotFound, "Could not find order with tracking id: %s", trackingID))

		ex := a.do(http.MethodGet, "/orders/"+trackingID.String(), "", "")

		assert.Equal(t, http.StatusNotFound, ex.rec.Code)
		assert.Equal(t, httpserver.ErrorResponse{Code: "not_found", Message: "Could not find order with tracking id: " + trackingID.String()},
			decode[httpserver.ErrorResponse](t, ex.rec))
	})
	t.Run("database down", func(t *testing.T) {
		a := newAPITest(t)
		a.app.EXPECT().TrackOrder(gomock.Any(), gomock.Any()).Return(application.TrackOrderResponse{},
			fmt.Errorf("find order by tracking id %s: %w", trackingID, kernel.Errorf(kernel.ECodeUnavailable, "find order: database unavailable")))

		ex := a.do(http.MethodGet, "/orders/"+trackingID.String(), "", "")

		assert.Equal(t, http.StatusServiceUnavailable, ex.rec.Code)
		assert.Equal(t, httpserver.ErrorResponse{Code: "unavailable", Message: "service temporarily unavailable; try again"},
			decode[httpserver.ErrorResponse](t, ex.rec))
	})
	t.Run("tracking id not a uuid", func(t *testing.T) {
		a := newAPITest(t)

		ex := a.do(http.MethodGet, "/orders/42", "", "")

		assert.Error(t, ex.requestErr)
		assert.Equal(t, http.StatusBadRequest, ex.rec.Code)
		assert.Equal(t, httpserver.ErrorResponse{Code: "invalid", Message: "trackingId is not a valid UUID: 42"}, decode[httpserver.ErrorResponse](t, ex.rec))
	})
}

func TestOpenAPIDocumentIsServed(t *testing.T) {
	a := newAPITest(t)

	ex := a.do(http.MethodGet, "/openapi.yaml", "", "")

	assert.Equal(t, http.StatusOK, ex.rec.Code)
	assert.Equal(t, "application/yaml", ex.rec.Header().Get("Content-Type"))
	assert.Equal(t, api.OpenAPI, ex.rec.Body.Bytes())
}

func TestProbesMatchTheAdminDocument(t *testing.T) {
	openapitest.ProbesMatch(t, api.AdminOpenAPI, adminURL)
}

func TestThePublicListenerServesNoOperatorEndpoint(t *testing.T) {
	a := newAPITest(t)
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/sagas/stuck"} {
		req := httptest.NewRequest(http.MethodGet, baseURL+path, nil)
		rec := httptest.NewRecorder()
		a.public.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusNotFound, rec.Code, "%s is the admin listener's", path)
		assert.NotContains(t, string(api.OpenAPI), "\n  "+path+":", "the public document leaves %s out", path)
	}
}
