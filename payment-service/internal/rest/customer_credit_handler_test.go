package rest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/infrastructure/testkit/openapitest"
	"github.com/food-ordering-system/payment-service/api"
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/application/mocks"
	"github.com/food-ordering-system/payment-service/internal/domain"
	"github.com/food-ordering-system/payment-service/internal/rest"
)

var customerID = kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb41")

// newServer is the shared server with the handler's routes, so that errors
// are mapped exactly as in production.
func newServer(t *testing.T, query application.CustomerCreditQuery) *httpserver.Server {
	t.Helper()
	srv := httpserver.New(httpserver.Config{Address: "127.0.0.1:0"}, zap.NewNop())
	rest.NewCustomerCreditHandler(query).Register(srv.Echo())
	return srv
}

// serve runs one request through the server and checks the exchange
// against the OpenAPI document.
func serve(t *testing.T, query application.CustomerCreditQuery, path string) (*httptest.ResponseRecorder, error) {
	t.Helper()
	return openapitest.New(t, api.OpenAPI, baseURL, newServer(t, query).Handler()).Get(path)
}

func TestCustomerCredit(t *testing.T) {
	query := mocks.NewMockCustomerCreditQuery(gomock.NewController(t))
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	historyID := kernel.MustParseID[kernel.CreditHistoryID]("d215b5f8-0249-4dc5-89a3-51fd148cfb25")
	query.EXPECT().CustomerCredit(gomock.Any(), customerID).Return(application.CustomerCredit{
		CustomerID: customerID, TotalCreditAmount: kernel.MustParseMoney("300"),
		History: []application.CreditMovement{{ID: historyID, Amount: kernel.MustParseMoney("200"), Type: domain.TransactionTypeDebit, CreatedAt: at}},
	}, nil)

	rec, requestErr := serve(t, query, "/customers/d215b5f8-0249-4dc5-89a3-51fd148cfb41/credit")

	require.NoError(t, requestErr, "the document accepts the request")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.JSONEq(t, `{"customerId": "d215b5f8-0249-4dc5-89a3-51fd148cfb41", "totalCreditAmount": 300.00,
		"history": [{"id": "d215b5f8-0249-4dc5-89a3-51fd148cfb25", "amount": 200.00, "type": "DEBIT", "createdAt": "2024-01-01T00:00:00Z"}]}`,
		rec.Body.String())
	assert.Contains(t, rec.Body.String(), `"totalCreditAmount":300.00`, "money keeps two decimals")
}

func TestCustomerCreditErrors(t *testing.T) {
	tests := []struct {
		name       string
		path       string
		queryErr   error
		wantStatus int
		wantCode   string
		wantMsg    string
		// specRefuses: the document alone already rejects the request.
		specRefuses bool
	}{
		{name: "unknown customer", path: "/customers/d215b5f8-0249-4dc5-89a3-51fd148cfb41/credit",
			queryErr:   kernel.Errorf(kernel.ECodeNotFound, "Could not find credit entry for customer: d215b5f8-0249-4dc5-89a3-51fd148cfb41"),
			wantStatus: http.StatusNotFound, wantCode: "not_found",
			wantMsg: "Could not find credit entry for customer: d215b5f8-0249-4dc5-89a3-51fd148cfb41"},
		{name: "bad id", path: "/customers/not-a-uuid/credit",
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantMsg: "Invalid customer id: not-a-uuid", specRefuses: true},
		{name: "nil id", path: "/customers/00000000-0000-0000-0000-000000000000/credit",
			wantStatus: http.StatusBadRequest, wantCode: "invalid", wantMsg: "Invalid customer id: 00000000-0000-0000-0000-000000000000"},
		{name: "database down", path: "/customers/d215b5f8-0249-4dc5-89a3-51fd148cfb41/credit",
			queryErr:   kernel.Errorf(kernel.ECodeUnavailable, "load credit entry: database unavailable"),
			wantStatus: http.StatusServiceUnavailable, wantCode: "unavailable", wantMsg: httpserver.MessageUnavailable},
		{name: "internal failure hides its cause", path: "/customers/d215b5f8-0249-4dc5-89a3-51fd148cfb41/credit",
			queryErr:   assert.AnError,
			wantStatus: http.StatusInternalServerError, wantCode: "internal", wantMsg: "unexpected error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			query := mocks.NewMockCustomerCreditQuery(gomock.NewController(t))
			if tt.queryErr != nil {
				query.EXPECT().CustomerCredit(gomock.Any(), customerID).Return(application.CustomerCredit{}, tt.queryErr)
			}

			rec, requestErr := serve(t, query, tt.path)

			if tt.specRefuses {
				assert.Error(t, requestErr, "the document also refuses this request")
			}
			assert.Equal(t, tt.wantStatus, rec.Code)
			var body httpserver.ErrorResponse
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			assert.Equal(t, httpserver.ErrorResponse{Code: tt.wantCode, Message: tt.wantMsg}, body)
		})
	}
}
