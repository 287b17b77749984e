package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	"github.com/food-ordering-system/payment-service/internal/config"
	"github.com/food-ordering-system/payment-service/migrations"
)

// customer is the first seeded customer: credit 500.00.
var customer = uuid.MustParse("d215b5f8-0249-4dc5-89a3-51fd148cfb41")

// service is payment-service running in-process on a throwaway schema and
// topics of its own.
type service struct {
	db        *gorm.DB
	cfg       config.Config
	producer  *kafka.Producer
	responses chan contract.PaymentResponse
}

func startService(t *testing.T) *service {
	t.Helper()
	db, pg := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	var cfg config.Config
	require.NoError(t, infraconfig.Load("../../config.yaml", config.EnvPrefix, &cfg))
	cfg.Postgres = pg
	cfg.Kafka = kafkatest.Config(t)
	cfg.Topics.PaymentRequest = kafkatest.Topic(t, "payment-request")
	cfg.Topics.PaymentResponse = kafkatest.Topic(t, "payment-response")
	cfg.Consumers.PaymentRequest.GroupID = "payment-service-" + uuid.NewString()
	cfg.Consumers.PaymentRequest.MaxBackoff = time.Second
	cfg.Outbox.Relays.OrderOutbox.PollInterval = 500 * time.Millisecond
	cfg.Outbox.Cleaners.OrderOutbox.Interval = time.Hour // keep the answers for the assertions
	cfg.HTTP.Address = openapitest.FreeAddress(t)
	cfg.Admin.Address = openapitest.FreeAddress(t)
	require.NoError(t, cfg.Validate())

	log := zaptest.NewLogger(t)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	a, err := New(ctx, cfg, log)
	require.NoError(t, err)
	go func() { stopped <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-stopped:
			assert.NoError(t, err, "Run returns nil on shutdown")
		case <-time.After(30 * time.Second):
			t.Error("payment-service did not stop within 30s")
		}
	})

	producer, err := kafka.NewProducer(cfg.Kafka, log)
	require.NoError(t, err)
	t.Cleanup(func() { _ = producer.Close() })
	s := &service{db: db, cfg: cfg, producer: producer, responses: make(chan contract.PaymentResponse, 100)}
	consumer, err := kafka.NewConsumer(cfg.Kafka, kafka.ConsumerConfig{GroupID: "test-" + uuid.NewString(),
		Topics: []string{cfg.Topics.PaymentResponse}}, func(_ context.Context, m *kafka.Received) error {
		r, err := kafka.DecodeJSON[contract.PaymentResponse](m)
		if err != nil {
			return err
		}
		assert.Equal(t, r.SagaID.String(), string(m.Key), "responses are keyed by saga id")
		assert.Equal(t, r.ID.String(), m.Headers["message-id"])
		s.responses <- r
		return nil
	}, producer, log)
	require.NoError(t, err)
	consumed := make(chan error, 1)
	go func() { consumed <- consumer.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-consumed, "the consumer stops cleanly")
	})
	s.waitReady(t)
	return s
}

func (s *service) url(path string) string { return "http://" + s.cfg.HTTP.Address + path }

// adminURL is url on the admin listener.
func (s *service) adminURL(path string) string { return "http://" + s.cfg.Admin.Address + path }

func (s *service) waitReady(t *testing.T) {
	t.Helper()
	require.Eventually(t, func() bool {
		resp, err := http.Get(s.adminURL("/readyz"))
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 30*time.Second, 100*time.Millisecond, "payment-service never became ready")
}

// send publishes a request keyed by key (its saga id unless the test needs
// it on another saga's partition).
func (s *service) send(t *testing.T, key uuid.UUID, req contract.PaymentRequest) {
	t.Helper()
	value, err := json.Marshal(req)
	require.NoError(t, err)
	err = s.producer.Send(context.Background(), []kafka.Message{{Topic: s.cfg.Topics.PaymentRequest, Key: []byte(key.String()), Value: value}})[0]
	require.NoError(t, err)
}

// answer waits for the response to saga.
func (s *service) answer(t *testing.T, saga uuid.UUID) contract.PaymentResponse {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case r := <-s.responses:
			if r.SagaID == saga {
				return r
			}
			t.Errorf("unexpected response %+v", r)
		case <-deadline:
			t.Fatalf("no response for saga %s within 30s", saga)
		}
	}
}

// answeredAgain waits until each of the answers given is published again,
// under its message id, unchanged: a request answered before is answered
// again, so that a requester's resend recovers a lost answer. Any other
// response fails the test.
func (s *service) answeredAgain(t *testing.T, answers ...contract.PaymentResponse) {
	t.Helper()
	want := make(map[uuid.UUID]contract.PaymentResponse, len(answers))
	for _, a := range answers {
		want[a.ID] = a
	}
	deadline := time.After(30 * time.Second)
	for len(want) > 0 {
		select {
		case r := <-s.responses:
			first, ok := want[r.ID]
			if !ok {
				t.Errorf("unexpected response %+v", r)
				continue
			}
			assert.Equal(t, first.PaymentStatus, r.PaymentStatus)
			assert.Equal(t, first.PaymentID, r.PaymentID)
			assert.Equal(t, first.SagaID, r.SagaID)
			delete(want, r.ID)
		case <-deadline:
			t.Fatalf("%d answer(s) not published again within 30s", len(want))
		}
	}
}

func (s *service) credit(t *testing.T) string {
	t.Helper()
	var total decimal.Decimal
	require.NoError(t, s.db.Raw(`SELECT total_credit_amount FROM credit_entry WHERE customer_id = ?`, customer).Scan(&total).Error)
	return total.StringFixed(2)
}

func (s *service) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, s.db.Raw(query, args...).Scan(&n).Error)
	return n
}

func request(saga, order uuid.UUID, price string, status kernel.PaymentOrderStatus) contract.PaymentRequest {
	return contract.PaymentRequest{ID: uuid.New(), SagaID: saga, CustomerID: customer, OrderID: order,
		Price: kernel.MustParseMoney(price), CreatedAt: time.Now().UTC(), PaymentOrderStatus: status}
}

// TestPaymentStep drives the payment step of the walkthrough through the real
// broker and database: a payment, a refused payment, a refund, duplicates.
func TestPaymentStep(t *testing.T) {
	s := startService(t)

	// A PaymentRequest of 200.00 completes.
	paySaga, payOrder := uuid.New(), uuid.New()
	pay := request(paySaga, payOrder, "200.00", kernel.PaymentOrderStatusPending)
	s.send(t, paySaga, pay)
	paid := s.answer(t, paySaga)
	assert.Equal(t, kernel.PaymentStatusCompleted, paid.PaymentStatus)
	assert.Equal(t, payOrder, paid.OrderID)
	assert.Equal(t, customer, paid.CustomerID)
	assert.Equal(t, "200.00", paid.Price.String())
	assert.Empty(t, paid.FailureMessages)
	assert.Equal(t, "300.00", s.credit(t))
	assert.Equal(t, 1, s.count(t, `SELECT count(*) FROM credit_history WHERE customer_id = ? AND type = 'DEBIT' AND amount = 200.00
		AND created_at > now() - interval '1 minute'`, customer))
	assert.Equal(t, 1, s.count(t, `SELECT count(*) FROM payments WHERE id = ? AND order_id = ? AND status = 'COMPLETED'`,
		paid.PaymentID, payOrder))
	// The relay marks what it published a moment later (outbox.relays.order_outbox.mark_delay).
	require.Eventually(t, func() bool {
		return s.count(t, `SELECT count(*) FROM order_outbox WHERE id = ? AND outbox_status = 'COMPLETED'
			AND processed_at IS NOT NULL`, paid.ID) == 1
	}, 10*time.Second, 10*time.Millisecond, "the response's id is its outbox row's, marked published")

	// A request of 600.00 fails with the credit message and moves nothing.
	failSaga := uuid.New()
	fail := request(failSaga, uuid.New(), "600.00", kernel.PaymentOrderStatusPending)
	s.send(t, failSaga, fail)
	failed := s.answer(t, failSaga)
	assert.Equal(t, kernel.PaymentStatusFailed, failed.PaymentStatus)
	assert.Contains(t, failed.FailureMessages,
		"Customer with id=d215b5f8-0249-4dc5-89a3-51fd148cfb41 doesn't have enough credit for payment!")
	assert.Equal(t, "300.00", s.credit(t))
	assert.Equal(t, 4, s.count(t, `SELECT count(*) FROM credit_history WHERE customer_id = ?`, customer))
	assert.Equal(t, 1, s.count(t, `SELECT count(*) FROM payments WHERE order_id = ? AND status = 'FAILED'`, fail.OrderID))

	// Cancelling the completed payment gives the credit back.
	cancel := request(paySaga, payOrder, "200.00", kernel.PaymentOrderStatusCancelled)
	s.send(t, paySaga, cancel)
	cancelled := s.answer(t, paySaga)
	assert.Equal(t, kernel.PaymentStatusCancelled, cancelled.PaymentStatus)
	assert.Equal(t, paid.PaymentID, cancelled.PaymentID)
	assert.Equal(t, "500.00", s.credit(t))
	assert.Equal(t, 1, s.count(t, `SELECT count(*) FROM credit_history WHERE customer_id = ? AND type = 'CREDIT' AND amount = 200.00
		AND created_at > now() - interval '1 minute'`, customer))
	assert.Equal(t, 1, s.count(t, `SELECT count(*) FROM payments WHERE order_id = ? AND status = 'CANCELLED'`, payOrder))

	// The same requests sent again change nothing but send their first
	// answers again, under the same message ids. Each is followed by a
	// marker request on the same partition (same key, a saga of its own):
	// once the marker is answered, the duplicates before it were handled.
	before := s.snapshot(t)
	for _, dup := range []struct {
		key    uuid.UUID
		req    contract.PaymentRequest
		answer contract.PaymentResponse
	}{{paySaga, pay, paid}, {paySaga, cancel, cancelled}, {failSaga, fail, failed}} {
		s.send(t, dup.key, dup.req)
		s.answeredAgain(t, dup.answer)
		markerSaga := uuid.New()
		marker := request(markerSaga, uuid.New(), "1.00", kernel.PaymentOrderStatusPending)
		s.send(t, dup.key, marker)
		assert.Equal(t, kernel.PaymentStatusCompleted, s.answer(t, markerSaga).PaymentStatus,
			"the marker is answered, and nothing else before it was")
	}
	after := s.snapshot(t)
	assert.Equal(t, before.outboxOfSagas, after.outboxOfSagas, "no second answer row")
	assert.Equal(t, before.paymentsOfSagas, after.paymentsOfSagas)
	assert.Equal(t, "497.00", s.credit(t), "only the three markers' 1.00 were taken")

	// The walkthrough's final check, over HTTP.
	resp, err := http.Get(s.url(fmt.Sprintf("/customers/%s/credit", customer)))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var body struct {
		TotalCreditAmount kernel.Money `json:"totalCreditAmount"`
		History           []struct {
			Type   string       `json:"type"`
			Amount kernel.Money `json:"amount"`
		} `json:"history"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	assert.Equal(t, "497.00", body.TotalCreditAmount.String())
	assert.Len(t, body.History, 3+2+3, "seed, the debit and its refund, the markers")
}

type snapshot struct {
	outboxOfSagas   int
	paymentsOfSagas int
}

// snapshot counts the rows of the scenario's payments (all but the markers,
// which take 1.00).
func (s *service) snapshot(t *testing.T) snapshot {
	t.Helper()
	return snapshot{
		outboxOfSagas:   s.count(t, `SELECT count(*) FROM order_outbox WHERE (payload->>'price')::numeric <> 1.00`),
		paymentsOfSagas: s.count(t, `SELECT count(*) FROM payments WHERE price <> 1.00`),
	}
}

// deadLetters collects the records of the request topic's dead-letter topic.
func (s *service) deadLetters(t *testing.T) <-chan *kafka.Received {
	t.Helper()
	return kafkatest.Collect(t, s.cfg.Kafka, s.cfg.Topics.PaymentRequest+kafka.DeadLetterSuffix, s.producer)
}

// requireNothingDeadLettered proves that no request sent under key, up to
// the last one answered, was parked: a dead letter keeps its record's key, so
// it would sit on the dead-letter topic's partition before a marker sent
// there now under the same key. The marker must be the first record seen.
func (s *service) requireNothingDeadLettered(t *testing.T, dlq <-chan *kafka.Received, key uuid.UUID) {
	t.Helper()
	marker := uuid.NewString()
	err := s.producer.Send(context.Background(), []kafka.Message{{Topic: s.cfg.Topics.PaymentRequest + kafka.DeadLetterSuffix,
		Key: []byte(key.String()), Value: []byte(`"marker"`), Headers: map[string]string{"marker": marker}}})[0]
	require.NoError(t, err)
	select {
	case m := <-dlq:
		require.Equal(t, marker, m.Headers["marker"], "dead-lettered: %s (%s)", m.Value, m.Headers[kafka.HeaderDeadLetterReason])
	case <-time.After(30 * time.Second):
		t.Fatal("the dead-letter marker did not arrive within 30s")
	}
}

// TestBusinessDeadEndsAreAnswered: a request payment-service cannot carry
// out (no credit entry, no customer) is answered, so the saga moves; a refund
// that overtakes its payment is recorded, and the late payment request
// charges nothing.
func TestBusinessDeadEndsAreAnswered(t *testing.T) {
	s := startService(t)
	dlq := s.deadLetters(t)
	// Every request goes to one partition, so that a sentinel answered after
	// them proves they were all handled.
	key := uuid.New()

	// A customer without credit entry: FAILED, with the reason.
	stranger := uuid.New()
	noCredit := request(uuid.New(), uuid.New(), "20.00", kernel.PaymentOrderStatusPending)
	noCredit.CustomerID = stranger
	s.send(t, key, noCredit)
	refused := s.answer(t, noCredit.SagaID)
	noCreditAnswer := refused
	assert.Equal(t, kernel.PaymentStatusFailed, refused.PaymentStatus)
	assert.Equal(t, []string{"Could not find credit entry for customer: " + stranger.String()}, refused.FailureMessages)
	assert.Equal(t, noCredit.OrderID, refused.OrderID)
	assert.Equal(t, 1, s.count(t, `SELECT count(*) FROM payments WHERE order_id = ? AND status = 'FAILED'`, noCredit.OrderID))

	// A request without customer: FAILED, with the reason, and no payment.
	noCustomer := request(uuid.New(), uuid.New(), "20.00", kernel.PaymentOrderStatusPending)
	noCustomer.CustomerID = uuid.Nil
	s.send(t, key, noCustomer)
	refused = s.answer(t, noCustomer.SagaID)
	noCustomerAnswer := refused
	assert.Equal(t, kernel.PaymentStatusFailed, refused.PaymentStatus)
	assert.Equal(t, []string{fmt.Sprintf("Payment request for order: %s names no customer!", noCustomer.OrderID)}, refused.FailureMessages)
	assert.Equal(t, noCustomer.OrderID, refused.OrderID)
	assert.Equal(t, uuid.Nil, refused.PaymentID)
	assert.Equal(t, 0, s.count(t, `SELECT count(*) FROM payments WHERE order_id = ?`, noCustomer.OrderID))

	// A refund before its payment request: CANCELLED, nothing moves, and
	// the late request charges nothing and is not answered.
	saga, order := uuid.New(), uuid.New()
	refund := request(saga, order, "50.00", kernel.PaymentOrderStatusCancelled)
	s.send(t, key, refund)
	cancelled := s.answer(t, saga)
	assert.Equal(t, kernel.PaymentStatusCancelled, cancelled.PaymentStatus)
	assert.Empty(t, cancelled.FailureMessages)
	assert.Equal(t, order, cancelled.OrderID)
	assert.Equal(t, 1, s.count(t, `SELECT count(*) FROM payments WHERE id = ? AND order_id = ? AND status = 'CANCELLED'`,
		cancelled.PaymentID, order), "the cancellation is recorded")
	s.send(t, key, request(saga, order, "50.00", kernel.PaymentOrderStatusPending))

	// A refund of a FAILED payment: CANCELLED, nothing moves.
	failSaga, failOrder := uuid.New(), uuid.New()
	s.send(t, key, request(failSaga, failOrder, "600.00", kernel.PaymentOrderStatusPending))
	assert.Equal(t, kernel.PaymentStatusFailed, s.answer(t, failSaga).PaymentStatus)
	failRefund := request(failSaga, failOrder, "600.00", kernel.PaymentOrderStatusCancelled)
	s.send(t, key, failRefund)
	refundedNothing := s.answer(t, failSaga)
	assert.Equal(t, kernel.PaymentStatusCancelled, refundedNothing.PaymentStatus)
	assert.Empty(t, refundedNothing.FailureMessages)

	// Duplicates of each change nothing but send their first answers again
	// once those are marked published (a duplicate that comes while the mark
	// is pending leaves the answer to that publish); the sentinel's answer,
	// published after them, shows they were handled (a new answer to any of
	// them would have failed as unexpected, and is counted below).
	require.Eventually(t, func() bool {
		return s.count(t, `SELECT count(*) FROM order_outbox WHERE id IN (?, ?, ?, ?) AND outbox_status = 'COMPLETED'`,
			noCreditAnswer.ID, noCustomerAnswer.ID, cancelled.ID, refundedNothing.ID) == 4
	}, 10*time.Second, 10*time.Millisecond, "the first answers are marked published")
	s.send(t, key, noCredit)
	s.send(t, key, noCustomer)
	s.send(t, key, refund)
	s.send(t, key, failRefund)
	s.answeredAgain(t, noCreditAnswer, noCustomerAnswer, cancelled, refundedNothing)
	sentinel := request(uuid.New(), uuid.New(), "1.00", kernel.PaymentOrderStatusPending)
	s.send(t, key, sentinel)
	assert.Equal(t, kernel.PaymentStatusCompleted, s.answer(t, sentinel.SagaID).PaymentStatus)

	assert.Equal(t, "499.00", s.credit(t), "only the sentinel's 1.00 was taken")
	assert.Equal(t, 1, s.count(t, `SELECT count(*) FROM credit_history WHERE type = 'DEBIT' AND created_at > now() - interval '1 minute'`),
		"no DEBIT but the sentinel's")
	assert.Equal(t, 0, s.count(t, `SELECT count(*) FROM credit_history WHERE type = 'CREDIT' AND created_at > now() - interval '1 minute'`),
		"no refund was given: nothing had been taken")
	assert.Equal(t, 1, s.count(t, `SELECT count(*) FROM payments WHERE order_id = ?`, order))
	assert.Equal(t, 0, s.count(t, `SELECT count(*) FROM order_outbox WHERE saga_id = ? AND payment_order_status = 'PENDING'`, saga),
		"the late request is refused without an answer")
	assert.Equal(t, 1+1+1+2+1, s.count(t, `SELECT count(*) FROM order_outbox`), "one answer per request, none twice")
	s.requireNothingDeadLettered(t, dlq, key)
}

// -healthcheck loads config.yaml and the environment as the service does and
// asks the admin listener's /healthz: 0 while the service runs there, 1 when
// nothing listens.
func TestHealthcheckAsksTheAdminListener(t *testing.T) {
	s := startService(t)
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
	cfg.Topics.PaymentRequest = kafkatest.Topic(t, "payment-request")
	cfg.Topics.PaymentResponse = kafkatest.Topic(t, "payment-response")
	cfg.Consumers.PaymentRequest.GroupID = "payment-service-" + uuid.NewString()
	cfg.HTTP.Address = openapitest.FreeAddress(t)
	cfg.Admin.Address = openapitest.FreeAddress(t)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := New(ctx, cfg, zaptest.NewLogger(t))
	require.NoError(t, err)
	stopped := make(chan error, 1)
	go func() { stopped <- a.Run(ctx) }()
	s := &service{cfg: cfg}
	s.waitReady(t)

	cancel()
	select {
	case err := <-stopped:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("payment-service did not stop within 30s")
	}
	resp, err := http.Get(s.adminURL("/healthz"))
	if err == nil {
		_ = resp.Body.Close()
	}
	assert.Error(t, err, "the admin listener is closed")
}
