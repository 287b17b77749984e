package rest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	"gorm.io/gorm"

	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
	"github.com/food-ordering-system/order-service/internal/domain"
	"github.com/food-ordering-system/order-service/internal/rest"
	"github.com/food-ordering-system/order-service/migrations"
)

// startOrderAPI serves the orders API over db, wired as internal/app
// wires it (without Kafka, which creating and tracking orders do not use),
// on a real HTTP server.
func startOrderAPI(t *testing.T, db *gorm.DB) string {
	t.Helper()
	log := zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	orders := dataaccess.NewOrderRepository(db)
	service := application.NewOrderService(
		application.NewOrderCreateHelper(postgres.NewTransactor(db), orders,
			dataaccess.NewCustomerRepository(db), dataaccess.NewRestaurantRepository(db), domain.NewOrderDomainService(time.Now),
			application.NewPaymentOutboxHelper(dataaccess.NewPaymentOutboxRepository(db, nil)), 100, log,
			application.WithIdempotencyKeys(dataaccess.NewIdempotencyKeyRepository(db))),
		application.NewOrderTrackCommandHandler(orders),
	)
	server := httpserver.New(httpserver.Config{Address: "127.0.0.1:0", BodyLimit: "64K"}, log)
	rest.NewOrderHandler(service).Register(server.Echo())
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// answer is what a client saw.
type answer struct {
	status   int
	location string
	replayed string
	body     string
}

func post(t *testing.T, url, key, body string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/orders", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	return send(t, req)
}

func get(t *testing.T, url, path string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url+path, nil)
	require.NoError(t, err)
	return send(t, req)
}

func send(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, location: resp.Header.Get("Location"), replayed: resp.Header.Get("Idempotent-Replayed"), body: string(b)}
}

func (a answer) trackingID(t *testing.T) string {
	t.Helper()
	var created struct {
		OrderTrackingID string `json:"orderTrackingId"`
	}
	require.NoError(t, json.Unmarshal([]byte(a.body), &created), a.body)
	require.NotEmpty(t, created.OrderTrackingID)
	return created.OrderTrackingID
}

// count returns the number of rows of a table of the test's schema.
func count(t *testing.T, db *gorm.DB, table string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.Raw("SELECT count(*) FROM "+table).Scan(&n).Error)
	return n
}

func assertRows(t *testing.T, db *gorm.DB, orders int64, msgAndArgs ...any) {
	t.Helper()
	assert.Equal(t, orders, count(t, db, "orders"), msgAndArgs...)
	assert.Equal(t, orders, count(t, db, "payment_outbox"), msgAndArgs...)
}

func TestIdempotentCreateOnPostgres(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	url := startOrderAPI(t, db)

	first := post(t, url, "7d0b6c1e-client-retry", sampleBody)
	require.Equal(t, http.StatusCreated, first.status, first.body)
	assert.Empty(t, first.replayed)

	// The same order again, spelled differently: compact, keys reordered,
	// 200 for 200.00.
	respelled := `{"items":[{"subTotal":50,"price":50,"quantity":1,"productId":"d215b5f8-0249-4dc5-89a3-51fd148cfb48"},` +
		`{"productId":"d215b5f8-0249-4dc5-89a3-51fd148cfb48","quantity":3,"price":50.0,"subTotal":150}],` +
		`"price":200,"address":{"city":"Amsterdam","postalCode":"1000AB","street":"street_1"},` +
		`"restaurantId":"d215b5f8-0249-4dc5-89a3-51fd148cfb45","customerId":"d215b5f8-0249-4dc5-89a3-51fd148cfb41"}`
	again := post(t, url, "7d0b6c1e-client-retry", respelled)

	require.Equal(t, http.StatusCreated, again.status, again.body)
	assert.Equal(t, "true", again.replayed)
	assert.Equal(t, first.trackingID(t), again.trackingID(t))
	assert.Equal(t, first.location, again.location)
	assert.JSONEq(t, first.body, again.body)
	assertRows(t, db, 1, "one order and one payment request for two requests with one key")
	assert.EqualValues(t, 1, count(t, db, "idempotency_keys"))
	tracked := get(t, url, first.location)
	assert.Equal(t, http.StatusOK, tracked.status, "the replayed Location is the order's")

	other := post(t, url, "7d0b6c1e-client-retry", edit(t, func(m map[string]any) {
		item(m, 0)["quantity"], item(m, 0)["subTotal"], m["price"] = 2, 100, 250
	}))
	assert.Equal(t, http.StatusUnprocessableEntity, other.status)
	assert.JSONEq(t, `{"code":"idempotency_key_reused","message":"Idempotency-Key was already used for a different order request"}`, other.body)
	assertRows(t, db, 1, "the reused key wrote nothing")
	assert.EqualValues(t, 1, count(t, db, "idempotency_keys"))

	// Without the header every request is an order of its own.
	for range 2 {
		plain := post(t, url, "", sampleBody)
		require.Equal(t, http.StatusCreated, plain.status)
		assert.Empty(t, plain.replayed)
	}
	assertRows(t, db, 3)
	assert.EqualValues(t, 1, count(t, db, "idempotency_keys"), "no key, no row")
}

func TestConcurrentRequestsWithOneKeyCreateOneOrder(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	url := startOrderAPI(t, db)
	const rounds, clients = 10, 6

	for round := range rounds {
		key := fmt.Sprintf("round-%d-key", round)
		start := make(chan struct{})
		answers := make([]answer, clients)
		var wg sync.WaitGroup
		for i := range clients {
			wg.Go(func() {
				<-start
				answers[i] = post(t, url, key, sampleBody)
			})
		}
		close(start) // all at once
		wg.Wait()

		fresh := 0
		for i, a := range answers {
			require.Equal(t, http.StatusCreated, a.status, "round %d client %d: %s", round, i, a.body)
			assert.Equal(t, answers[0].trackingID(t), a.trackingID(t), "round %d: every client gets the one order", round)
			assert.Equal(t, answers[0].location, a.location)
			if a.replayed == "" {
				fresh++
			}
		}
		assert.Equal(t, 1, fresh, "round %d: exactly one answer created the order", round)
		assertRows(t, db, int64(round+1), "round %d: one order per key", round)
	}
	assert.EqualValues(t, rounds, count(t, db, "idempotency_keys"))
}

func TestOutOfBoundsOrdersAreRefusedOnPostgres(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	url := startOrderAPI(t, db)
	tests := []struct {
		name    string
		body    string
		message string
	}{
		{"quantity of 3000000000", strings.Replace(sampleBody, `"quantity": 1,`, `"quantity": 3000000000,`, 1),
			"items[0].quantity must be at most 10000"},
		{"price of 10000000000.00", strings.Replace(sampleBody, `"price": 200.00`, `"price": 10000000000.00`, 1),
			"price must be at most 9999999999.99"},
		{"item price of 1e10", edit(t, func(m map[string]any) { item(m, 0)["price"], item(m, 0)["subTotal"] = 1e10, 1e10 }),
			"items[0].price must be at most 9999999999.99"},
		{"price × quantity beyond numeric(12,2)", edit(t, func(m map[string]any) {
			item(m, 0)["price"], item(m, 0)["quantity"], item(m, 0)["subTotal"] = 9999999999.99, 10000, 99999999999900
		}), "items[0].subTotal must be at most 9999999999.99"},
		{"consistent order whose total is beyond numeric(12,2)", edit(t, func(m map[string]any) {
			line := map[string]any{"productId": "d215b5f8-0249-4dc5-89a3-51fd148cfb48", "quantity": 10, "price": 600000000, "subTotal": 6000000000}
			m["items"], m["price"] = []any{line, line}, 12000000000
		}), "price must be at most 9999999999.99"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, key := range []string{"", fmt.Sprintf("bounds-%d", i)} {
				a := post(t, url, key, tt.body)

				assert.Equal(t, http.StatusBadRequest, a.status)
				assert.JSONEq(t, `{"code":"invalid","message":"`+tt.message+`"}`, a.body)
			}
		})
	}
	assertRows(t, db, 0, "nothing out of bounds is written")
	assert.Zero(t, count(t, db, "idempotency_keys"))
}

func TestDatabaseDownIs503OnPostgres(t *testing.T) {
	t.Parallel()
	direct, cfg := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	proxy := pgtest.StartProxy(t, net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	cfg.Host, cfg.Port = "127.0.0.1", proxy.Port()
	db, err := postgres.Open(context.Background(), cfg, zap.NewNop())
	require.NoError(t, err)
	t.Cleanup(func() { _ = postgres.Close(db) })
	url := startOrderAPI(t, db)
	created := post(t, url, "", sampleBody)
	require.Equal(t, http.StatusCreated, created.status, "the pool holds a live connection: %s", created.body)

	proxy.Close() // the database goes away

	down := `{"code":"unavailable","message":"service temporarily unavailable; try again"}`
	for i := range 2 { // the dead pooled connection first, then refused new ones
		a := post(t, url, "", sampleBody)
		assert.Equal(t, http.StatusServiceUnavailable, a.status, "POST without a key (BEGIN fails), try %d: %s", i, a.body)
		assert.JSONEq(t, down, a.body)
	}
	keyed := post(t, url, "down-key", sampleBody)
	assert.Equal(t, http.StatusServiceUnavailable, keyed.status, keyed.body)
	assert.JSONEq(t, down, keyed.body)
	tracked := get(t, url, created.location)
	assert.Equal(t, http.StatusServiceUnavailable, tracked.status, tracked.body)
	assert.JSONEq(t, down, tracked.body)
	assertRows(t, direct, 1, "nothing was written while the database was away")
}

// An Idempotency-Key is the customer's own: two customers who happen to send
// the same key place two orders, and each retry answers its own.
func TestOneKeyFromTwoCustomersIsTwoOrdersOnPostgres(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	url := startOrderAPI(t, db)
	other := strings.Replace(sampleBody, "d215b5f8-0249-4dc5-89a3-51fd148cfb41", "d215b5f8-0249-4dc5-89a3-51fd148cfb43", 1)

	first := post(t, url, "order-1", sampleBody)
	second := post(t, url, "order-1", other)

	require.Equal(t, http.StatusCreated, first.status, first.body)
	require.Equal(t, http.StatusCreated, second.status, second.body)
	assert.Empty(t, second.replayed, "another customer's key is not a retry")
	assert.NotEqual(t, first.trackingID(t), second.trackingID(t))
	assertRows(t, db, 2)
	assert.EqualValues(t, 2, count(t, db, "idempotency_keys"))

	retried := post(t, url, "order-1", other)
	require.Equal(t, http.StatusCreated, retried.status, retried.body)
	assert.Equal(t, "true", retried.replayed)
	assert.Equal(t, second.trackingID(t), retried.trackingID(t), "each customer's retry answers their own order")
	assertRows(t, db, 2)
}

// A key older than the retention is removed by the cleaner; a retry after that
// is a new order.
func TestExpiredIdempotencyKeyIsRemovedOnPostgres(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	url := startOrderAPI(t, db)
	first := post(t, url, "late-retry", sampleBody)
	require.Equal(t, http.StatusCreated, first.status, first.body)
	fresh := post(t, url, "fresh", sampleBody)
	require.Equal(t, http.StatusCreated, fresh.status, fresh.body)
	pgtest.Exec(t, db, `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE idempotency_key = 'late-retry'`)
	cleaner := application.NewIdempotencyKeyCleaner(dataaccess.NewIdempotencyKeyRepository(db),
		application.IdempotencyConfig{Retention: 24 * time.Hour}, zaptest.NewLogger(t))

	removed, err := cleaner.Clean(context.Background())

	require.NoError(t, err)
	assert.EqualValues(t, 1, removed)
	var keys []string
	require.NoError(t, db.Raw(`SELECT idempotency_key FROM idempotency_keys`).Scan(&keys).Error)
	assert.Equal(t, []string{"fresh"}, keys, "the young key stays")
	late := post(t, url, "late-retry", sampleBody)
	require.Equal(t, http.StatusCreated, late.status, late.body)
	assert.Empty(t, late.replayed)
	assert.NotEqual(t, first.trackingID(t), late.trackingID(t), "past the retention, a retry is a new order")
	assertRows(t, db, 3)
}
