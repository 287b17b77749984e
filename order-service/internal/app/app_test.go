package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
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
	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/lifecycle"
	"github.com/food-ordering-system/infrastructure/logging"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
	"github.com/food-ordering-system/infrastructure/testkit/openapitest"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/order-service/internal/config"
	"github.com/food-ordering-system/order-service/migrations"
)

// sampleOrder is the original system's sample order.
const sampleOrder = `{
  "customerId": "d215b5f8-0249-4dc5-89a3-51fd148cfb41",
  "restaurantId": "d215b5f8-0249-4dc5-89a3-51fd148cfb45",
  "address": {"street": "street_1", "postalCode": "1000AB", "city": "Amsterdam"},
  "price": 200.00,
  "items": [
    {"productId": "d215b5f8-0249-4dc5-89a3-51fd148cfb48", "quantity": 1, "price": 50.00, "subTotal": 50.00},
    {"productId": "d215b5f8-0249-4dc5-89a3-51fd148cfb48", "quantity": 3, "price": 50.00, "subTotal": 150.00}
  ]
}`

// wait bounds every wait for a condition; tick is how often it is checked.
const (
	wait = 60 * time.Second
	tick = 50 * time.Millisecond
)

// service is order-service running in-process on a throwaway schema and
// topics of its own, with what a test needs to drive and observe it.
type service struct {
	t         *testing.T
	base      string // the public listener
	admin     string // the admin listener
	db        *gorm.DB
	topics    config.Topics
	producer  *kafka.Producer
	payments  *recorder // what order-service sent to payment-request
	approvals *recorder // what order-service sent to restaurant-approval-request
	// paymentDeadLetters is what order-service parked on payment-response's
	// dead-letter topic.
	paymentDeadLetters *recorder
}

// startService runs order-service with the test settings, changed by tune
// where a test needs other ones.
func startService(t *testing.T, tune ...func(*config.Config)) *service {
	t.Helper()
	db, pgCfg := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	kcfg := kafkatest.Config(t)
	topics := config.Topics{
		PaymentRequest:             kafkatest.Topic(t, contract.TopicPaymentRequest),
		PaymentResponse:            kafkatest.Topic(t, contract.TopicPaymentResponse),
		RestaurantApprovalRequest:  kafkatest.Topic(t, contract.TopicRestaurantApprovalRequest),
		RestaurantApprovalResponse: kafkatest.Topic(t, contract.TopicRestaurantApprovalResponse),
		Partitions:                 3,
		ReplicationFactor:          1,
	}
	addr := openapitest.FreeAddress(t)
	group := "order-service-test-" + uuid.NewString()
	cfg := config.Config{
		HTTP:     httpserver.Config{Address: addr, BodyLimit: "64K"},
		Admin:    httpserver.AdminConfig{Address: openapitest.FreeAddress(t)},
		Log:      logging.Config{Level: "info", Format: "console"},
		Postgres: pgCfg,
		Kafka:    kcfg,
		Topics:   topics,
		Consumers: config.Consumers{
			PaymentResponse:            kafka.ConsumerConfig{GroupID: group + "-payment", MaxBackoff: time.Second},
			RestaurantApprovalResponse: kafka.ConsumerConfig{GroupID: group + "-approval", MaxBackoff: time.Second},
		},
		Outbox: config.Outbox{
			Relays: config.OutboxRelays{
				PaymentOutbox:       outbox.RelayConfig{PollInterval: 500 * time.Millisecond},
				OrderApprovalOutbox: outbox.RelayConfig{PollInterval: 500 * time.Millisecond},
			},
			// The test reads the finished rows: no clean-up while it runs.
			Cleaners: config.OutboxCleaners{
				PaymentOutbox:       outbox.CleanerConfig{Interval: time.Hour},
				OrderApprovalOutbox: outbox.CleanerConfig{Interval: time.Hour},
			},
		},
		Order: config.Order{MaxItems: 100},
	}
	for _, f := range tune {
		f(&cfg)
	}
	require.NoError(t, cfg.Validate())

	ctx, cancel := context.WithCancel(context.Background())
	a, err := New(ctx, cfg, zaptest.NewLogger(t, zaptest.Level(zap.InfoLevel)))
	if err != nil {
		cancel()
		t.Fatalf("New: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err, "Run stops cleanly")
		case <-time.After(30 * time.Second):
			t.Error("Run did not stop")
		}
	})

	producer := kafkatest.Producer(t, kcfg)
	s := &service{t: t, base: "http://" + addr, admin: "http://" + cfg.Admin.Address, db: db, topics: topics, producer: producer}
	s.payments = record(t, kcfg, topics.PaymentRequest, producer)
	s.approvals = record(t, kcfg, topics.RestaurantApprovalRequest, producer)
	s.paymentDeadLetters = record(t, kcfg, topics.PaymentResponse+kafka.DeadLetterSuffix, producer)

	var runErr error
	stopped := false
	require.Eventually(t, func() bool {
		select {
		case runErr = <-done:
			stopped = true
			return true
		default:
		}
		resp, err := http.Get(s.admin + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, wait, tick, "order-service is ready")
	if stopped {
		done <- runErr // for the clean-up, which waits for it
		t.Fatalf("Run returned early: %v", runErr)
	}
	return s
}

// recorder keeps every record of a topic.
type recorder struct {
	mu      sync.Mutex
	records []*kafka.Received
}

func record(t *testing.T, cfg kafka.Config, topic string, producer *kafka.Producer) *recorder {
	t.Helper()
	r := &recorder{}
	kafkatest.Consume(t, cfg, topic, producer, func(_ context.Context, msg *kafka.Received) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.records = append(r.records, msg)
		return nil
	})
	return r
}

// matching returns the records whose value decodes into T and satisfies keep.
func matching[T any](r *recorder, keep func(*kafka.Received, T) bool) []*kafka.Received {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*kafka.Received
	for _, rec := range r.records {
		var v T
		if json.Unmarshal(rec.Value, &v) == nil && keep(rec, v) {
			out = append(out, rec)
		}
	}
	return out
}

// paymentRequest waits for order-service's payment request of the order
// with the given status and returns it.
func (s *service) paymentRequest(orderID string, status kernel.PaymentOrderStatus) (*kafka.Received, contract.PaymentRequest) {
	s.t.Helper()
	var found []*kafka.Received
	require.Eventually(s.t, func() bool {
		found = matching(s.payments, func(_ *kafka.Received, m contract.PaymentRequest) bool {
			return m.OrderID.String() == orderID && m.PaymentOrderStatus == status
		})
		return len(found) > 0
	}, wait, tick, "a %s payment request for order %s is on %s", status, orderID, s.topics.PaymentRequest)
	var m contract.PaymentRequest
	require.NoError(s.t, json.Unmarshal(found[0].Value, &m))
	return found[0], m
}

// approvalRequest waits for order-service's approval request (PAID) of the
// order and returns it.
func (s *service) approvalRequest(orderID string) (*kafka.Received, contract.RestaurantApprovalRequest) {
	return s.restaurantRequest(orderID, kernel.RestaurantOrderStatusPaid)
}

// restaurantRequest waits for order-service's message to the restaurant
// about the order telling status (PAID: approve it; CANCELLED: it was
// cancelled) and returns it.
func (s *service) restaurantRequest(orderID string, status kernel.RestaurantOrderStatus) (*kafka.Received, contract.RestaurantApprovalRequest) {
	s.t.Helper()
	var found []*kafka.Received
	require.Eventually(s.t, func() bool {
		found = matching(s.approvals, func(_ *kafka.Received, m contract.RestaurantApprovalRequest) bool {
			return m.OrderID.String() == orderID && m.RestaurantOrderStatus == status
		})
		return len(found) > 0
	}, wait, tick, "a %s message for order %s is on %s", status, orderID, s.topics.RestaurantApprovalRequest)
	var m contract.RestaurantApprovalRequest
	require.NoError(s.t, json.Unmarshal(found[0].Value, &m))
	return found[0], m
}

// send publishes v to topic with the key the services use: a saga id.
func (s *service) send(topic string, key uuid.UUID, v any) {
	s.t.Helper()
	value, err := json.Marshal(v)
	require.NoError(s.t, err)
	errs := s.producer.Send(context.Background(), []kafka.Message{{Topic: topic, Key: []byte(key.String()), Value: value}})
	require.Equal(s.t, []error{nil}, errs)
}

// paymentResponse answers the payment request as payment-service would and
// returns the reply sent.
func (s *service) paymentResponse(req contract.PaymentRequest, status kernel.PaymentStatus, failures ...string) contract.PaymentResponse {
	s.t.Helper()
	reply := contract.PaymentResponse{
		ID: uuid.New(), SagaID: req.SagaID, PaymentID: uuid.New(), CustomerID: req.CustomerID, OrderID: req.OrderID,
		Price: req.Price, CreatedAt: time.Now().UTC(), PaymentStatus: status, FailureMessages: failures,
	}
	s.send(s.topics.PaymentResponse, req.SagaID, reply)
	return reply
}

// deadLettered returns the replies parked on payment-response's dead-letter
// topic that keep returns true for.
func (s *service) deadLettered(keep func(contract.PaymentResponse) bool) []*kafka.Received {
	return matching(s.paymentDeadLetters, func(_ *kafka.Received, m contract.PaymentResponse) bool { return keep(m) })
}

// waitForDeadLetter waits until the reply with the given id is parked on
// payment-response's dead-letter topic and returns it.
func (s *service) waitForDeadLetter(id uuid.UUID) *kafka.Received {
	s.t.Helper()
	var parked []*kafka.Received
	require.Eventually(s.t, func() bool {
		parked = s.deadLettered(func(m contract.PaymentResponse) bool { return m.ID == id })
		return len(parked) > 0
	}, wait, tick, "reply %s is dead-lettered", id)
	require.Len(s.t, parked, 1)
	return parked[0]
}

func (s *service) approvalResponse(req contract.RestaurantApprovalRequest, status kernel.OrderApprovalStatus, failures ...string) {
	s.t.Helper()
	s.send(s.topics.RestaurantApprovalResponse, req.SagaID, contract.RestaurantApprovalResponse{
		ID: uuid.New(), SagaID: req.SagaID, RestaurantID: req.RestaurantID, OrderID: req.OrderID,
		CreatedAt: time.Now().UTC(), OrderApprovalStatus: status, FailureMessages: failures,
	})
}

type trackedOrder struct {
	OrderID         string   `json:"orderId"`
	OrderTrackingID string   `json:"orderTrackingId"`
	OrderStatus     string   `json:"orderStatus"`
	FailureMessages []string `json:"failureMessages"`
}

// createOrder posts the sample order, checks the 201 and returns the order
// as GET /orders/{trackingId} shows it.
func (s *service) createOrder() trackedOrder {
	s.t.Helper()
	resp, err := http.Post(s.base+"/orders", "application/json", strings.NewReader(sampleOrder))
	require.NoError(s.t, err)
	defer resp.Body.Close()
	require.Equal(s.t, http.StatusCreated, resp.StatusCode)
	var created struct {
		OrderTrackingID string `json:"orderTrackingId"`
		OrderStatus     string `json:"orderStatus"`
		Message         string `json:"message"`
	}
	require.NoError(s.t, json.NewDecoder(resp.Body).Decode(&created))
	assert.Equal(s.t, "PENDING", created.OrderStatus)
	assert.Equal(s.t, "Order created successfully", created.Message)
	assert.Equal(s.t, "/orders/"+created.OrderTrackingID, resp.Header.Get("Location"))
	order := s.track(created.OrderTrackingID)
	assert.Equal(s.t, "PENDING", order.OrderStatus)
	return order
}

func (s *service) track(trackingID string) trackedOrder {
	s.t.Helper()
	order, err := s.get(trackingID)
	require.NoError(s.t, err)
	return order
}

// get is GET /orders/{trackingId}; it only reports what went wrong, so that
// it can be polled.
func (s *service) get(trackingID string) (trackedOrder, error) {
	resp, err := http.Get(s.base + "/orders/" + trackingID)
	if err != nil {
		return trackedOrder{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return trackedOrder{}, fmt.Errorf("GET /orders/%s: %s", trackingID, resp.Status)
	}
	var order trackedOrder
	err = json.NewDecoder(resp.Body).Decode(&order)
	return order, err
}

func (s *service) waitForOrderStatus(order trackedOrder, status kernel.OrderStatus) trackedOrder {
	s.t.Helper()
	var got trackedOrder
	require.Eventually(s.t, func() bool {
		var err error
		got, err = s.get(order.OrderTrackingID)
		return err == nil && got.OrderStatus == string(status)
	}, wait, tick, "order %s is %s", order.OrderID, status)
	return got
}

// paidOrder creates an order and pays it; it returns the order, its payment
// request, and its approval request as order-service published it.
func (s *service) paidOrder() (trackedOrder, contract.PaymentRequest, *kafka.Received, contract.RestaurantApprovalRequest) {
	s.t.Helper()
	order := s.createOrder()
	_, req := s.paymentRequest(order.OrderID, kernel.PaymentOrderStatusPending)
	s.paymentResponse(req, kernel.PaymentStatusCompleted)
	rec, approval := s.approvalRequest(order.OrderID)
	return order, req, rec, approval
}

// outboxRow is the state of one outbox row.
type outboxRow struct {
	OrderStatus        string
	SagaStatus         string
	OutboxStatus       string
	PaymentOrderStatus string
	ProcessedAt        *time.Time
	Version            int
}

func (s *service) rows(table string, sagaID uuid.UUID) []outboxRow {
	s.t.Helper()
	rows, err := s.queryRows(table, sagaID)
	require.NoError(s.t, err)
	return rows
}

// queryRows returns the saga's rows of table in creation order.
func (s *service) queryRows(table string, sagaID uuid.UUID) ([]outboxRow, error) {
	columns := "order_status, saga_status, outbox_status, processed_at, version"
	if table == "payment_outbox" {
		columns += ", payment_order_status"
	}
	var rows []outboxRow
	err := s.db.Raw("SELECT "+columns+" FROM "+table+" WHERE saga_id = ? ORDER BY created_at, id", sagaID).Scan(&rows).Error
	return rows, err
}

// waitForRows waits until the saga's rows of table are in the given
// (order status/saga status) states, in creation order.
func (s *service) waitForRows(table string, sagaID uuid.UUID, want ...string) []outboxRow {
	s.t.Helper()
	var rows []outboxRow
	require.Eventually(s.t, func() bool {
		var err error
		rows, err = s.queryRows(table, sagaID)
		if err != nil || len(rows) != len(want) {
			return false
		}
		for i, r := range rows {
			if r.OrderStatus+"/"+r.SagaStatus != want[i] {
				return false
			}
		}
		return true
	}, wait, tick, "%s rows of saga %s are %v", table, sagaID, want)
	return rows
}

// waitForPublished waits until every row of the saga in table was published.
func (s *service) waitForPublished(table string, sagaID uuid.UUID) {
	s.t.Helper()
	require.Eventually(s.t, func() bool {
		rows, err := s.queryRows(table, sagaID)
		for _, r := range rows {
			if r.OutboxStatus != string(outbox.StatusCompleted) || r.ProcessedAt == nil {
				return false
			}
		}
		return err == nil && len(rows) > 0
	}, wait, tick, "%s rows of saga %s are COMPLETED with processed_at", table, sagaID)
}

// sagaState is everything a reply to the saga could change: the order as
// the client sees it, the order's row version, and the saga's outbox rows
// with their versions.
type sagaState struct {
	Order        trackedOrder
	OrderVersion int
	Payments     []outboxRow
	Approvals    []outboxRow
}

func (s *service) sagaState(order trackedOrder, sagaID uuid.UUID) sagaState {
	s.t.Helper()
	state := sagaState{Order: s.track(order.OrderTrackingID), Payments: s.rows("payment_outbox", sagaID),
		Approvals: s.rows("order_approval_outbox", sagaID)}
	require.NoError(s.t, s.db.Raw("SELECT version FROM orders WHERE id = ?", order.OrderID).Scan(&state.OrderVersion).Error)
	return state
}

// sentinelBehind sends a reply on payment-response with key, behind
// whatever was sent with that key before, and waits until order-service has
// handled it. The key puts it on the same partition as the replies of the
// saga key belongs to, and a partition is consumed in order: once the
// sentinel is handled, every earlier reply of that saga was handled too.
//
// The sentinel is a COMPLETED reply of a saga of its own (other's) that
// names a different order than other's; order-service refuses such a reply
// and parks it on the dead-letter topic, so the sentinel moves no order.
// Being parked is its visible effect, and it lands on the dead-letter topic
// with the same key, behind anything the earlier replies were parked for: once
// the test sees the sentinel there, it has seen those too.
func (s *service) sentinelBehind(key uuid.UUID, other contract.PaymentRequest) {
	s.t.Helper()
	sentinel := contract.PaymentResponse{
		ID: uuid.New(), SagaID: other.SagaID, PaymentID: uuid.New(), CustomerID: other.CustomerID,
		OrderID: uuid.New(), Price: other.Price, CreatedAt: time.Now().UTC(), PaymentStatus: kernel.PaymentStatusCompleted,
	}
	s.send(s.topics.PaymentResponse, key, sentinel)
	parked := s.waitForDeadLetter(sentinel.ID)
	require.Contains(s.t, parked.Headers[kafka.HeaderDeadLetterReason], "names order "+sentinel.OrderID.String())
}

// TestOrderSaga drives order-service through the saga's paths with the
// other services' replies played by the test.
func TestOrderSaga(t *testing.T) {
	s := startService(t)

	t.Run("paid and approved", func(t *testing.T) {
		s := s.with(t)
		order := s.createOrder()
		other := s.createOrder() // its saga carries the sentinel below

		rec, req := s.paymentRequest(order.OrderID, kernel.PaymentOrderStatusPending)
		assert.Equal(t, req.SagaID.String(), string(rec.Key), "keyed by saga id")
		assert.Equal(t, req.ID.String(), rec.Headers["message-id"])
		assert.Equal(t, "d215b5f8-0249-4dc5-89a3-51fd148cfb41", req.CustomerID.String())
		assert.Equal(t, "200.00", req.Price.String())
		s.waitForPublished("payment_outbox", req.SagaID)
		rows := s.waitForRows("payment_outbox", req.SagaID, "PENDING/STARTED")
		assert.Equal(t, "PENDING", rows[0].PaymentOrderStatus)

		s.paymentResponse(req, kernel.PaymentStatusCompleted)
		s.waitForOrderStatus(order, kernel.OrderStatusPaid)
		s.waitForRows("payment_outbox", req.SagaID, "PAID/PROCESSING")
		approvalRec, approval := s.approvalRequest(order.OrderID)
		assert.Equal(t, req.SagaID, approval.SagaID)
		assert.Equal(t, req.SagaID.String(), string(approvalRec.Key))
		assert.Equal(t, kernel.RestaurantOrderStatusPaid, approval.RestaurantOrderStatus)
		assert.Equal(t, "d215b5f8-0249-4dc5-89a3-51fd148cfb45", approval.RestaurantID.String())
		assert.Equal(t, []contract.Product{
			{ID: uuid.MustParse("d215b5f8-0249-4dc5-89a3-51fd148cfb48"), Quantity: 1},
			{ID: uuid.MustParse("d215b5f8-0249-4dc5-89a3-51fd148cfb48"), Quantity: 3},
		}, approval.Products)
		s.waitForPublished("order_approval_outbox", req.SagaID)

		// A duplicate changes nothing, and is acknowledged rather than
		// parked. The sentinel behind it proves it was consumed.
		before := s.sagaState(order, req.SagaID)
		duplicate := s.paymentResponse(req, kernel.PaymentStatusCompleted)
		_, otherReq := s.paymentRequest(other.OrderID, kernel.PaymentOrderStatusPending)
		s.sentinelBehind(req.SagaID, otherReq)
		assert.Equal(t, before, s.sagaState(order, req.SagaID), "the duplicate changed the saga")
		for _, parked := range s.deadLettered(func(m contract.PaymentResponse) bool { return m.ID == duplicate.ID }) {
			t.Errorf("the duplicate was parked instead of recognised: %s", parked.Headers[kafka.HeaderDeadLetterReason])
		}
		assert.Equal(t, "PENDING", s.track(other.OrderTrackingID).OrderStatus, "the sentinel moved no order")

		s.approvalResponse(approval, kernel.OrderApprovalStatusApproved)
		final := s.waitForOrderStatus(order, kernel.OrderStatusApproved)
		assert.Empty(t, final.FailureMessages)
		s.waitForRows("payment_outbox", req.SagaID, "APPROVED/SUCCEEDED")
		s.waitForRows("order_approval_outbox", req.SagaID, "APPROVED/SUCCEEDED")
		assert.Len(t, matching(s.approvals, func(_ *kafka.Received, m contract.RestaurantApprovalRequest) bool {
			return m.OrderID.String() == order.OrderID
		}), 1, "the duplicate payment reply asked for no second approval")
	})

	t.Run("paid, rejected, refunded and cancelled", func(t *testing.T) {
		s := s.with(t)
		order, req, _, approval := s.paidOrder()

		s.approvalResponse(approval, kernel.OrderApprovalStatusRejected, "Product with id d215b5f8-0249-4dc5-89a3-51fd148cfb48 is not available")
		s.waitForOrderStatus(order, kernel.OrderStatusCancelling)
		s.waitForRows("order_approval_outbox", req.SagaID, "CANCELLING/COMPENSATING")
		refundRec, refund := s.paymentRequest(order.OrderID, kernel.PaymentOrderStatusCancelled)
		assert.Equal(t, req.SagaID, refund.SagaID, "the refund belongs to the same saga")
		assert.Equal(t, req.SagaID.String(), string(refundRec.Key))
		assert.NotEqual(t, req.ID, refund.ID, "a new outbox row")
		rows := s.waitForRows("payment_outbox", req.SagaID, "PAID/PROCESSING", "CANCELLING/COMPENSATING")
		assert.Equal(t, []string{"PENDING", "CANCELLED"}, []string{rows[0].PaymentOrderStatus, rows[1].PaymentOrderStatus})
		s.waitForPublished("payment_outbox", req.SagaID)

		s.paymentResponse(refund, kernel.PaymentStatusCancelled)
		final := s.waitForOrderStatus(order, kernel.OrderStatusCancelled)
		assert.Equal(t, []string{"Product with id d215b5f8-0249-4dc5-89a3-51fd148cfb48 is not available"}, final.FailureMessages)
		s.waitForRows("payment_outbox", req.SagaID, "CANCELLED/COMPENSATED", "CANCELLED/COMPENSATED")
		s.waitForRows("order_approval_outbox", req.SagaID, "CANCELLED/COMPENSATED")
	})

	t.Run("payment failed", func(t *testing.T) {
		s := s.with(t)
		order := s.createOrder()
		_, req := s.paymentRequest(order.OrderID, kernel.PaymentOrderStatusPending)

		s.paymentResponse(req, kernel.PaymentStatusFailed, "Customer with id d215b5f8-0249-4dc5-89a3-51fd148cfb41 doesn't have enough credit for payment!")
		final := s.waitForOrderStatus(order, kernel.OrderStatusCancelled)
		assert.Equal(t, []string{"Customer with id d215b5f8-0249-4dc5-89a3-51fd148cfb41 doesn't have enough credit for payment!"}, final.FailureMessages)
		s.waitForRows("payment_outbox", req.SagaID, "CANCELLED/COMPENSATED")
		assert.Empty(t, s.rows("order_approval_outbox", req.SagaID))
	})

	t.Run("bad requests write nothing", func(t *testing.T) {
		s := s.with(t)
		var before, outboxBefore int64
		require.NoError(t, s.db.Table("orders").Count(&before).Error)
		require.NoError(t, s.db.Table("payment_outbox").Count(&outboxBefore).Error)
		inactive := strings.ReplaceAll(sampleOrder, "51fd148cfb45", "51fd148cfb46")
		mismatch := strings.Replace(sampleOrder, `"subTotal": 150.00`, `"subTotal": 140.00`, 1)
		for body, want := range map[string]string{
			inactive: "Restaurant with id d215b5f8-0249-4dc5-89a3-51fd148cfb46 is currently not active!",
			mismatch: "items[1].subTotal 140.00 is not price 50.00 × quantity 3",
			`{"x":`:  "malformed JSON",
		} {
			resp, err := http.Post(s.base+"/orders", "application/json", bytes.NewBufferString(body))
			require.NoError(t, err)
			var e httpserver.ErrorResponse
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&e))
			resp.Body.Close()
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			assert.Equal(t, httpserver.ErrorResponse{Code: "invalid", Message: want}, e)
		}
		var after, outboxAfter int64
		require.NoError(t, s.db.Table("orders").Count(&after).Error)
		require.NoError(t, s.db.Table("payment_outbox").Count(&outboxAfter).Error)
		assert.Equal(t, before, after, "no order written")
		assert.Equal(t, outboxBefore, outboxAfter, "no payment request written")

		resp, err := http.Get(s.base + "/orders/" + uuid.NewString())
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}

// with returns the service bound to a subtest.
func (s *service) with(t *testing.T) *service {
	c := *s
	c.t = t
	return &c
}

// -healthcheck loads config.yaml and the environment as the service does and
// asks the admin listener's /healthz: 0 while the service runs there, 1 when
// nothing listens.
func TestHealthcheckAsksTheAdminListener(t *testing.T) {
	s := startService(t)
	t.Setenv(config.EnvPrefix+"_ADMIN_ADDRESS", strings.TrimPrefix(s.admin, "http://"))
	require.NoError(t, lifecycle.Healthcheck[config.Config](context.Background(), "../../config.yaml", config.EnvPrefix))

	t.Setenv(config.EnvPrefix+"_ADMIN_ADDRESS", openapitest.FreeAddress(t))
	err := lifecycle.Healthcheck[config.Config](context.Background(), "../../config.yaml", config.EnvPrefix)
	require.Error(t, err)
	assert.ErrorContains(t, err, "connection refused")
}

// New wires the service against the real PostgreSQL and Kafka; Run serves
// until its context ends, then returns nil and lets go of its listeners.
func TestNewRunsUntilCancelledAndStopsCleanly(t *testing.T) {
	var cfg config.Config
	require.NoError(t, infraconfig.Load("../../config.yaml", config.EnvPrefix, &cfg))
	_, cfg.Postgres = pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	cfg.Kafka = kafkatest.Config(t)
	cfg.Topics.PaymentRequest = kafkatest.Topic(t, contract.TopicPaymentRequest)
	cfg.Topics.PaymentResponse = kafkatest.Topic(t, contract.TopicPaymentResponse)
	cfg.Topics.RestaurantApprovalRequest = kafkatest.Topic(t, contract.TopicRestaurantApprovalRequest)
	cfg.Topics.RestaurantApprovalResponse = kafkatest.Topic(t, contract.TopicRestaurantApprovalResponse)
	group := "order-service-test-" + uuid.NewString()
	cfg.Consumers.PaymentResponse.GroupID = group + "-payment"
	cfg.Consumers.RestaurantApprovalResponse.GroupID = group + "-approval"
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
	}, wait, tick, "order-service never became ready")

	cancel()
	select {
	case err := <-stopped:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("order-service did not stop within 30s")
	}
	resp, err := http.Get("http://" + cfg.Admin.Address + "/healthz")
	if err == nil {
		_ = resp.Body.Close()
	}
	assert.Error(t, err, "the admin listener is closed")
}
