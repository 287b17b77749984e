package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/common/kernel"
	infraconfig "github.com/food-ordering-system/infrastructure/config"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/lifecycle"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
	"github.com/food-ordering-system/infrastructure/testkit/openapitest"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/restaurant-service/internal/config"
	"github.com/food-ordering-system/restaurant-service/migrations"
)

var (
	restaurant1 = uuid.MustParse("d215b5f8-0249-4dc5-89a3-51fd148cfb45") // active
	restaurant2 = uuid.MustParse("d215b5f8-0249-4dc5-89a3-51fd148cfb46") // inactive
	product1    = uuid.MustParse("d215b5f8-0249-4dc5-89a3-51fd148cfb47") // restaurant_1, 25.00, not available
	product2    = uuid.MustParse("d215b5f8-0249-4dc5-89a3-51fd148cfb48") // restaurant_1, 50.00, available
	product4    = uuid.MustParse("d215b5f8-0249-4dc5-89a3-51fd148cfb50") // restaurant_2, 40.00, available
)

// service is restaurant-service running in-process on a throwaway schema and
// topics of its own.
type service struct {
	cfg      config.Config
	db       *gorm.DB
	producer *kafka.Producer
	baseURL  string // the public listener
	adminURL string // the admin listener

	mu      sync.Mutex
	answers map[uuid.UUID][]contract.RestaurantApprovalResponse
	headers map[uuid.UUID][]string
	markers map[string]bool // markers read from the response topic
}

func start(t *testing.T) *service {
	t.Helper()
	kcfg := kafkatest.Config(t)
	db, pgCfg := pgtest.New(t, nil) // an empty schema: New migrates and seeds it

	var cfg config.Config
	require.NoError(t, infraconfig.Load("../../config.yaml", config.EnvPrefix, &cfg))
	cfg.Postgres = pgCfg
	cfg.Postgres.Migrate, cfg.Postgres.MigrationUser, cfg.Postgres.MigrationPassword = true, pgCfg.User, pgCfg.Password
	cfg.Postgres.Seed = true
	cfg.Kafka.Brokers = kcfg.Brokers
	cfg.HTTP.Address = openapitest.FreeAddress(t)
	cfg.Admin.Address = openapitest.FreeAddress(t)
	cfg.Topics.RestaurantApprovalRequest = kafkatest.Topic(t, "restaurant-approval-request")
	cfg.Topics.RestaurantApprovalResponse = kafkatest.Topic(t, "restaurant-approval-response")
	cfg.Consumers.RestaurantApprovalRequest.GroupID = "restaurant-service-test-" + uuid.NewString()
	cfg.Consumers.RestaurantApprovalRequest.MinBackoff = 20 * time.Millisecond
	cfg.Consumers.RestaurantApprovalRequest.MaxBackoff = 200 * time.Millisecond
	cfg.Outbox.Relays.OrderOutbox.PollInterval = 500 * time.Millisecond
	cfg.Outbox.Cleaners.OrderOutbox.Interval = 300 * time.Millisecond
	cfg.Outbox.Archive = true
	require.NoError(t, cfg.Validate())

	s := &service{cfg: cfg, db: db, baseURL: "http://" + cfg.HTTP.Address, adminURL: "http://" + cfg.Admin.Address,
		answers: map[uuid.UUID][]contract.RestaurantApprovalResponse{}, headers: map[uuid.UUID][]string{},
		markers: map[string]bool{}}
	s.producer = kafkatest.Producer(t, kcfg)

	ctx, cancel := context.WithCancel(context.Background())
	a, err := New(ctx, cfg, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	require.NoError(t, err)
	stopped := make(chan error, 1)
	go func() { stopped <- a.Run(ctx) }()
	s.readAnswers(t)
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-stopped:
			assert.NoError(t, err, "Run stops cleanly")
		case <-time.After(30 * time.Second):
			t.Error("Run did not stop within 30s of cancellation")
		}
	})

	require.Eventually(t, func() bool {
		select {
		case err := <-stopped:
			t.Fatalf("Run failed at start: %v", err)
		default:
		}
		resp, err := http.Get(s.adminURL + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 60*time.Second, 50*time.Millisecond, "restaurant-service never became ready")
	return s
}

// readAnswers collects every answer of the response topic by saga id, and
// the markers sendMarker put there.
func (s *service) readAnswers(t *testing.T) {
	t.Helper()
	s.consume(t, s.cfg.Topics.RestaurantApprovalResponse, func(_ context.Context, msg *kafka.Received) error {
		if marker := msg.Headers[markerHeader]; marker != "" {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.markers[marker] = true
			return nil
		}
		answer, err := kafka.DecodeJSON[contract.RestaurantApprovalResponse](msg)
		if err != nil {
			return err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		assert.Equal(t, answer.SagaID.String(), string(msg.Key), "answers are keyed by saga id")
		s.answers[answer.SagaID] = append(s.answers[answer.SagaID], answer)
		s.headers[answer.SagaID] = append(s.headers[answer.SagaID], msg.Headers["message-id"])
		return nil
	})
}

// consume runs handler over topic, in a consumer group of its own, until the
// test ends.
func (s *service) consume(t *testing.T, topic string, handler kafka.Handler) {
	t.Helper()
	consumer, err := kafka.NewConsumer(kafka.Config{Brokers: s.cfg.Kafka.Brokers, Version: s.cfg.Kafka.Version},
		kafka.ConsumerConfig{GroupID: "test-" + uuid.NewString(), Topics: []string{topic}}, handler, s.producer, zap.NewNop())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = consumer.Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func request(restaurantID uuid.UUID, price string, products ...contract.Product) contract.RestaurantApprovalRequest {
	return contract.RestaurantApprovalRequest{
		ID:                    uuid.New(),
		SagaID:                uuid.New(),
		RestaurantID:          restaurantID,
		OrderID:               uuid.New(),
		RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid,
		Products:              products,
		Price:                 kernel.MustParseMoney(price),
		CreatedAt:             time.Now().UTC(),
	}
}

// send publishes req keyed by key (the saga id unless a test says otherwise).
func (s *service) send(t *testing.T, key uuid.UUID, req contract.RestaurantApprovalRequest) {
	t.Helper()
	value, err := json.Marshal(req)
	require.NoError(t, err)
	errs := s.producer.Send(context.Background(), []kafka.Message{{
		Topic: s.cfg.Topics.RestaurantApprovalRequest, Key: []byte(key.String()), Value: value,
	}})
	require.NoError(t, errs[0])
}

// answer waits for the first answer of the saga.
func (s *service) answer(t *testing.T, sagaID uuid.UUID) contract.RestaurantApprovalResponse {
	t.Helper()
	var got contract.RestaurantApprovalResponse
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(s.answers[sagaID]) == 0 {
			return false
		}
		got = s.answers[sagaID][0]
		return true
	}, 60*time.Second, 20*time.Millisecond, "no answer for saga %s", sagaID)
	return got
}

func (s *service) answerCount(sagaID uuid.UUID) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.answers[sagaID])
}

type approvalRow struct {
	RestaurantID    uuid.UUID
	Status          string
	FailureMessages string
}

func (s *service) approvals(t *testing.T, orderID uuid.UUID) []approvalRow {
	t.Helper()
	var rows []approvalRow
	require.NoError(t, s.db.Raw(`SELECT restaurant_id, status, failure_messages::text AS failure_messages
		FROM order_approval WHERE order_id = ?`, orderID).Scan(&rows).Error)
	return rows
}

func (s *service) httpApproval(t *testing.T, orderID string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("%s/orders/%s/approval", s.baseURL, orderID))
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, body
}

func TestRestaurantServiceAnswersApprovalRequests(t *testing.T) {
	s := start(t)

	t.Run("available product of an active restaurant is approved", func(t *testing.T) {
		req := request(restaurant1, "100.00", contract.Product{ID: product2, Quantity: 2})
		s.send(t, req.SagaID, req)

		got := s.answer(t, req.SagaID)
		assert.Equal(t, kernel.OrderApprovalStatusApproved, got.OrderApprovalStatus)
		assert.Empty(t, got.FailureMessages)
		assert.Equal(t, req.OrderID, got.OrderID)
		assert.Equal(t, restaurant1, got.RestaurantID)
		assert.NotEqual(t, uuid.Nil, got.ID)

		rows := s.approvals(t, req.OrderID)
		require.Len(t, rows, 1)
		assert.Equal(t, "APPROVED", rows[0].Status)
		assert.Equal(t, restaurant1, rows[0].RestaurantID)

		status, body := s.httpApproval(t, req.OrderID.String())
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, "APPROVED", body["orderApprovalStatus"])
		assert.Equal(t, req.OrderID.String(), body["orderId"])
	})

	t.Run("unavailable product is rejected with the product message", func(t *testing.T) {
		req := request(restaurant1, "25.00", contract.Product{ID: product1, Quantity: 1})
		s.send(t, req.SagaID, req)

		got := s.answer(t, req.SagaID)
		assert.Equal(t, kernel.OrderApprovalStatusRejected, got.OrderApprovalStatus)
		assert.Equal(t, []string{"Product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb47 is not available"}, got.FailureMessages)

		rows := s.approvals(t, req.OrderID)
		require.Len(t, rows, 1)
		assert.Equal(t, "REJECTED", rows[0].Status)
		assert.JSONEq(t, `["Product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb47 is not available"]`, rows[0].FailureMessages)
	})

	t.Run("inactive restaurant is rejected with the restaurant message", func(t *testing.T) {
		req := request(restaurant2, "40.00", contract.Product{ID: product4, Quantity: 1})
		s.send(t, req.SagaID, req)

		got := s.answer(t, req.SagaID)
		assert.Equal(t, kernel.OrderApprovalStatusRejected, got.OrderApprovalStatus)
		assert.Equal(t, []string{"Restaurant with id d215b5f8-0249-4dc5-89a3-51fd148cfb46 is not active"}, got.FailureMessages)

		status, body := s.httpApproval(t, req.OrderID.String())
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, "REJECTED", body["orderApprovalStatus"])
		assert.Equal(t, []any{"Restaurant with id d215b5f8-0249-4dc5-89a3-51fd148cfb46 is not active"}, body["failureMessages"])
	})

	t.Run("unknown restaurant is rejected, not retried", func(t *testing.T) {
		unknown := uuid.New()
		req := request(unknown, "50.00", contract.Product{ID: product2, Quantity: 1})
		s.send(t, req.SagaID, req)

		got := s.answer(t, req.SagaID)
		assert.Equal(t, kernel.OrderApprovalStatusRejected, got.OrderApprovalStatus)
		assert.Equal(t, []string{fmt.Sprintf("Restaurant with id %s not found!", unknown)}, got.FailureMessages)
	})

	t.Run("the same request twice leaves one row and one answer", func(t *testing.T) {
		req := request(restaurant1, "50.00", contract.Product{ID: product2, Quantity: 1})
		s.send(t, req.SagaID, req)
		s.send(t, req.SagaID, req)
		// A later request on the same partition: once it is answered, both
		// copies before it have been handled.
		sentinel := request(restaurant1, "50.00", contract.Product{ID: product2, Quantity: 1})
		s.send(t, req.SagaID, sentinel)

		first := s.answer(t, req.SagaID)
		s.answer(t, sentinel.SagaID)
		assert.Equal(t, kernel.OrderApprovalStatusApproved, first.OrderApprovalStatus)

		assert.Len(t, s.approvals(t, req.OrderID), 1, "one order_approval row")

		// Every answer row of req is published, then (archive configured)
		// moved by the cleaner to order_outbox_archive; a second row, which
		// would have been written before the sentinel's, would be there too.
		count := func(query string) (n int64) {
			require.NoError(t, s.db.Raw(query, req.SagaID).Scan(&n).Error)
			return n
		}
		require.Eventually(t, func() bool {
			var live, archived int64
			return s.db.Raw(`SELECT count(*) FROM order_outbox WHERE saga_id = ?`, req.SagaID).Scan(&live).Error == nil &&
				s.db.Raw(`SELECT count(*) FROM order_outbox_archive WHERE saga_id = ?`, req.SagaID).Scan(&archived).Error == nil &&
				live == 0 && archived > 0
		}, 30*time.Second, 50*time.Millisecond, "the answer of saga %s was never published and archived", req.SagaID)
		assert.Equal(t, int64(1), count(`SELECT count(*) FROM order_outbox_archive WHERE saga_id = ?`), "one answer row")
		assert.Equal(t, int64(1), count(`SELECT count(*) FROM order_outbox_archive WHERE saga_id = ? AND outbox_status = 'COMPLETED'
			AND processed_at IS NOT NULL`), "the archived answer was published")

		// Every answer of req is on the broker now; a marker sent behind them
		// under the same key is read after all of them.
		s.awaitAnswersBefore(t, s.sendMarker(t, s.cfg.Topics.RestaurantApprovalResponse, req.SagaID))
		assert.Equal(t, 1, s.answerCount(req.SagaID), "one answer on the response topic")

		s.mu.Lock()
		defer s.mu.Unlock()
		assert.Equal(t, []string{first.ID.String()}, s.headers[req.SagaID], "the message-id header is the outbox row id")
	})

	t.Run("a request the restaurant cannot accept is rejected with the reason, not dead-lettered", func(t *testing.T) {
		dlq := s.deadLetters(t)
		// One partition for all, so that the sentinel answered after them
		// proves they were all handled.
		key := uuid.New()
		zeroQuantity := request(restaurant1, "0.00", contract.Product{ID: product2, Quantity: 0})
		noProducts := request(restaurant1, "50.00")
		noRestaurant := request(uuid.Nil, "50.00", contract.Product{ID: product2, Quantity: 1})
		for _, req := range []contract.RestaurantApprovalRequest{zeroQuantity, noProducts, noRestaurant, zeroQuantity} {
			s.send(t, key, req) // the last one a duplicate
		}
		sentinel := request(restaurant1, "50.00", contract.Product{ID: product2, Quantity: 1})
		s.send(t, key, sentinel)

		for _, tt := range []struct {
			req    contract.RestaurantApprovalRequest
			reason string
		}{
			{zeroQuantity, fmt.Sprintf("Quantity 0 of product with id: %s is not positive in order: %s", product2, zeroQuantity.OrderID)},
			{noProducts, "No products in order: " + noProducts.OrderID.String()},
			{noRestaurant, "Restaurant id is missing in the approval request of order: " + noRestaurant.OrderID.String()},
		} {
			got := s.answer(t, tt.req.SagaID)
			assert.Equal(t, kernel.OrderApprovalStatusRejected, got.OrderApprovalStatus)
			assert.Equal(t, []string{tt.reason}, got.FailureMessages)
			assert.Equal(t, tt.req.OrderID, got.OrderID)
		}
		assert.Equal(t, kernel.OrderApprovalStatusApproved, s.answer(t, sentinel.SagaID).OrderApprovalStatus)

		// Handled before the sentinel: the duplicate wrote no second answer
		// (live or archived by the cleaner) and no second approval.
		var answers int64
		require.NoError(t, s.db.Raw(`SELECT (SELECT count(*) FROM order_outbox WHERE saga_id = ?)
			+ (SELECT count(*) FROM order_outbox_archive WHERE saga_id = ?)`, zeroQuantity.SagaID, zeroQuantity.SagaID).Scan(&answers).Error)
		assert.Equal(t, int64(1), answers, "one answer to the request and its duplicate")
		rows := s.approvals(t, zeroQuantity.OrderID)
		require.Len(t, rows, 1)
		assert.Equal(t, "REJECTED", rows[0].Status)
		assert.Empty(t, s.approvals(t, noRestaurant.OrderID), "no approval without a restaurant")
		s.requireNothingDeadLettered(t, dlq, key)
	})

	t.Run("no approval yet is 404, a bad id 400", func(t *testing.T) {
		status, body := s.httpApproval(t, uuid.NewString())
		assert.Equal(t, http.StatusNotFound, status)
		assert.Equal(t, "not_found", body["code"])
		status, body = s.httpApproval(t, "not-a-uuid")
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, "invalid", body["code"])
	})
}

// deadLetters collects the records of the request topic's dead-letter topic.
func (s *service) deadLetters(t *testing.T) <-chan *kafka.Received {
	t.Helper()
	got := make(chan *kafka.Received, 100)
	s.consume(t, s.cfg.Topics.RestaurantApprovalRequest+kafka.DeadLetterSuffix, func(_ context.Context, msg *kafka.Received) error {
		got <- msg
		return nil
	})
	return got
}

// requireNothingDeadLettered proves that no request sent under key, up to
// the last one answered, was parked: a dead letter keeps its record's key, so
// it would sit on the dead-letter topic's partition before a marker sent
// there now under the same key. The marker must be the first record seen.
func (s *service) requireNothingDeadLettered(t *testing.T, dlq <-chan *kafka.Received, key uuid.UUID) {
	t.Helper()
	marker := s.sendMarker(t, s.cfg.Topics.RestaurantApprovalRequest+kafka.DeadLetterSuffix, key)
	select {
	case msg := <-dlq:
		require.Equal(t, marker, msg.Headers[markerHeader], "dead-lettered: %s (%s)", msg.Value, msg.Headers[kafka.HeaderDeadLetterReason])
	case <-time.After(30 * time.Second):
		t.Fatal("the dead-letter marker did not arrive within 30s")
	}
}

// markerHeader carries the id of a marker record.
const markerHeader = "marker"

// sendMarker publishes a marker record under key on topic and returns its id.
// A partition keeps its records in order, so a consumer that has read the
// marker has read every record sent under key before it.
func (s *service) sendMarker(t *testing.T, topic string, key uuid.UUID) string {
	t.Helper()
	marker := uuid.NewString()
	errs := s.producer.Send(context.Background(), []kafka.Message{{Topic: topic,
		Key: []byte(key.String()), Value: []byte(`"marker"`), Headers: map[string]string{markerHeader: marker}}})
	require.NoError(t, errs[0])
	return marker
}

// awaitAnswersBefore waits until readAnswers has read marker, so every answer
// sent before it under the same key has been collected.
func (s *service) awaitAnswersBefore(t *testing.T, marker string) {
	t.Helper()
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.markers[marker]
	}, 30*time.Second, 20*time.Millisecond, "the marker on the response topic was not read within 30s")
}

// -healthcheck loads config.yaml and the environment as the service does and
// asks the admin listener's /healthz: 0 while the service runs there, 1 when
// nothing listens.
func TestHealthcheckAsksTheAdminListener(t *testing.T) {
	s := start(t)
	t.Setenv(config.EnvPrefix+"_ADMIN_ADDRESS", s.cfg.Admin.Address)
	require.NoError(t, lifecycle.Healthcheck[config.Config](context.Background(), "../../config.yaml", config.EnvPrefix))

	t.Setenv(config.EnvPrefix+"_ADMIN_ADDRESS", openapitest.FreeAddress(t))
	err := lifecycle.Healthcheck[config.Config](context.Background(), "../../config.yaml", config.EnvPrefix)
	require.Error(t, err)
	assert.ErrorContains(t, err, "connection refused")
}

// New wires the service against the real PostgreSQL and Kafka; Run serves
// until its context ends, then returns nil and lets go of its listeners.
func TestNewRunsUntilCancelledAndStopsCleanly(t *testing.T) {
	_, pg := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	var cfg config.Config
	require.NoError(t, infraconfig.Load("../../config.yaml", config.EnvPrefix, &cfg))
	cfg.Postgres = pg
	cfg.Kafka = kafkatest.Config(t)
	cfg.Topics.RestaurantApprovalRequest = kafkatest.Topic(t, "restaurant-approval-request")
	cfg.Topics.RestaurantApprovalResponse = kafkatest.Topic(t, "restaurant-approval-response")
	cfg.Consumers.RestaurantApprovalRequest.GroupID = "restaurant-service-test-" + uuid.NewString()
	cfg.HTTP.Address = openapitest.FreeAddress(t)
	cfg.Admin.Address = openapitest.FreeAddress(t)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := New(ctx, cfg, zaptest.NewLogger(t))
	require.NoError(t, err)
	stopped := make(chan error, 1)
	go func() { stopped <- a.Run(ctx) }()
	require.Eventually(t, func() bool {
		resp, err := http.Get("http://" + cfg.Admin.Address + "/readyz")
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 30*time.Second, 50*time.Millisecond, "restaurant-service never became ready")

	cancel()
	select {
	case err := <-stopped:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("restaurant-service did not stop within 30s")
	}
	resp, err := http.Get("http://" + cfg.Admin.Address + "/healthz")
	if err == nil {
		_ = resp.Body.Close()
	}
	assert.Error(t, err, "the admin listener is closed")
}
