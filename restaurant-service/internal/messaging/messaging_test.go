package messaging_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/kafka/contract"
	"github.com/food-ordering-system/infrastructure/kafka/kafkatest"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/saga"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/application/mocks"
	"github.com/food-ordering-system/restaurant-service/internal/messaging"
)

// newProducer returns a producer on the test broker, closed at the end.
func newProducer(t *testing.T, cfg kafka.Config) *kafka.Producer {
	t.Helper()
	p, err := kafka.NewProducer(cfg, zap.NewNop())
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// consume runs a consumer group of its own over topic with handler until the
// test ends.
func consume(t *testing.T, cfg kafka.Config, topic string, handler kafka.Handler) {
	t.Helper()
	consumer, err := kafka.NewConsumer(cfg, kafka.ConsumerConfig{
		GroupID: "test-" + uuid.NewString(), Topics: []string{topic},
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
	}, handler, newProducer(t, cfg), zaptest.NewLogger(t))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = consumer.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// collect returns a channel of every record of topic.
func collect(t *testing.T, cfg kafka.Config, topic string) <-chan *kafka.Received {
	t.Helper()
	records := make(chan *kafka.Received, 100)
	consume(t, cfg, topic, func(_ context.Context, msg *kafka.Received) error {
		records <- msg
		return nil
	})
	return records
}

func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatal("nothing arrived within 30s")
		panic("unreachable")
	}
}

func TestRestaurantApprovalEventsKafkaPublisherPublishesTheAnswer(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "restaurant-approval-response")
	publisher := messaging.NewRestaurantApprovalEventsKafkaPublisher(newProducer(t, cfg), topic, zap.NewNop())

	createdAt := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	orderID := kernel.NewID[kernel.OrderID]()
	restaurantID := kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb45")
	payload, err := json.Marshal(application.OrderEventPayload{
		OrderID: orderID, RestaurantID: restaurantID, CreatedAt: createdAt,
		OrderApprovalStatus: kernel.OrderApprovalStatusRejected,
		FailureMessages:     []string{"Product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb47 is not available"},
	})
	require.NoError(t, err)
	good := outbox.Message{ID: uuid.New(), SagaID: uuid.New(), Type: saga.OrderSagaName, Payload: payload, CreatedAt: createdAt}
	corrupt := outbox.Message{ID: uuid.New(), SagaID: uuid.New(), Type: saga.OrderSagaName, Payload: []byte(`"not a payload"`)}

	errs := publisher.Publish(context.Background(), []outbox.Message{corrupt, good})
	require.Len(t, errs, 2)
	assert.Error(t, errs[0], "an unreadable payload fails its own row")
	require.NoError(t, errs[1], "the broker acknowledged the good row")

	record := receive(t, collect(t, cfg, topic))
	assert.Equal(t, good.SagaID.String(), string(record.Key), "the key is the saga id")
	assert.Equal(t, good.ID.String(), record.Headers[kafka.HeaderMessageID])
	var response contract.RestaurantApprovalResponse
	require.NoError(t, json.Unmarshal(record.Value, &response))
	assert.Equal(t, contract.RestaurantApprovalResponse{
		ID:                  good.ID,
		SagaID:              good.SagaID,
		RestaurantID:        restaurantID.UUID(),
		OrderID:             orderID.UUID(),
		CreatedAt:           createdAt,
		OrderApprovalStatus: kernel.OrderApprovalStatusRejected,
		FailureMessages:     []string{"Product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb47 is not available"},
	}, response)
}

func TestRestaurantApprovalEventsKafkaPublisherApprovedHasEmptyFailureMessages(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "restaurant-approval-response")
	publisher := messaging.NewRestaurantApprovalEventsKafkaPublisher(newProducer(t, cfg), topic, zap.NewNop())
	payload, err := json.Marshal(application.OrderEventPayload{
		OrderID: kernel.NewID[kernel.OrderID](), RestaurantID: kernel.NewID[kernel.RestaurantID](),
		CreatedAt: time.Now().UTC(), OrderApprovalStatus: kernel.OrderApprovalStatusApproved,
	})
	require.NoError(t, err)

	errs := publisher.Publish(context.Background(), []outbox.Message{{ID: uuid.New(), SagaID: uuid.New(), Payload: payload}})
	require.Equal(t, []error{nil}, errs)

	record := receive(t, collect(t, cfg, topic))
	assert.JSONEq(t, `[]`, string(mustField(t, record.Value, "failureMessages")))
	assert.JSONEq(t, `"APPROVED"`, string(mustField(t, record.Value, "orderApprovalStatus")))
}

func mustField(t *testing.T, value []byte, name string) json.RawMessage {
	t.Helper()
	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(value, &fields))
	f, ok := fields[name]
	require.True(t, ok, "field %s missing in %s", name, value)
	return f
}

func sendJSON(t *testing.T, p *kafka.Producer, topic, key string, v any) {
	t.Helper()
	value, ok := v.([]byte)
	if !ok {
		var err error
		value, err = json.Marshal(v)
		require.NoError(t, err)
	}
	errs := p.Send(context.Background(), []kafka.Message{{Topic: topic, Key: []byte(key), Value: value}})
	require.NoError(t, errs[0])
}

func TestRestaurantApprovalRequestKafkaListener(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "restaurant-approval-request")
	producer := newProducer(t, cfg)
	input := mocks.NewMockRestaurantApprovalRequestMessageListener(gomock.NewController(t))
	listener := messaging.NewRestaurantApprovalRequestKafkaListener(input, zaptest.NewLogger(t))

	newRequest := func() contract.RestaurantApprovalRequest {
		return contract.RestaurantApprovalRequest{
			ID: uuid.New(), SagaID: uuid.New(),
			RestaurantID:          uuid.MustParse("d215b5f8-0249-4dc5-89a3-51fd148cfb45"),
			OrderID:               uuid.New(),
			RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid,
			Products: []contract.Product{
				{ID: uuid.MustParse("d215b5f8-0249-4dc5-89a3-51fd148cfb48"), Quantity: 2},
				{ID: uuid.MustParse("d215b5f8-0249-4dc5-89a3-51fd148cfb47"), Quantity: 1},
			},
			Price:     kernel.MustParseMoney("125.00"),
			CreatedAt: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC),
		}
	}
	dtoOf := func(r contract.RestaurantApprovalRequest) application.RestaurantApprovalRequest {
		return application.RestaurantApprovalRequest{
			ID:                    kernel.IDFromUUID[kernel.MessageID](r.ID),
			SagaID:                kernel.IDFromUUID[kernel.SagaID](r.SagaID),
			RestaurantID:          kernel.IDFromUUID[kernel.RestaurantID](r.RestaurantID),
			OrderID:               kernel.IDFromUUID[kernel.OrderID](r.OrderID),
			RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid,
			Products: []application.OrderProduct{
				{ID: kernel.IDFromUUID[kernel.ProductID](r.Products[0].ID), Quantity: 2},
				{ID: kernel.IDFromUUID[kernel.ProductID](r.Products[1].ID), Quantity: 1},
			},
			Price:     kernel.MustParseMoney("125.00"),
			CreatedAt: r.CreatedAt,
		}
	}

	approved := newRequest()  // handled at once
	transient := newRequest() // fails once with a transient error, then is handled
	invalid := newRequest()   // the application cannot answer it: dead-lettered, not retried
	handled := make(chan uuid.UUID, 10)
	var mu sync.Mutex
	calls := map[uuid.UUID]int{}
	count := func(ctx context.Context, r application.RestaurantApprovalRequest) {
		mu.Lock()
		defer mu.Unlock()
		calls[r.SagaID.UUID()]++
	}
	input.EXPECT().ApproveOrder(gomock.Any(), dtoOf(approved)).Times(1).DoAndReturn(
		func(ctx context.Context, r application.RestaurantApprovalRequest) error {
			count(ctx, r)
			handled <- approved.SagaID
			return nil
		})
	gomock.InOrder(
		input.EXPECT().ApproveOrder(gomock.Any(), dtoOf(transient)).Times(1).DoAndReturn(
			func(ctx context.Context, r application.RestaurantApprovalRequest) error {
				count(ctx, r)
				return kernel.WrapError(kernel.ECodeUnavailable, errors.New("connection refused"), "database unavailable")
			}),
		input.EXPECT().ApproveOrder(gomock.Any(), dtoOf(transient)).Times(1).DoAndReturn(
			func(ctx context.Context, r application.RestaurantApprovalRequest) error {
				count(ctx, r)
				handled <- transient.SagaID
				return nil
			}),
	)
	input.EXPECT().ApproveOrder(gomock.Any(), dtoOf(invalid)).Times(1).DoAndReturn(
		func(ctx context.Context, r application.RestaurantApprovalRequest) error {
			count(ctx, r)
			return kernel.Errorf(kernel.ECodeInvalid, "approval request of saga %s cannot be answered: an id is missing", r.SagaID)
		})

	dlq := collect(t, cfg, topic+kafka.DeadLetterSuffix)
	consume(t, cfg, topic, listener.Handle)
	sendJSON(t, producer, topic, approved.SagaID.String(), approved)
	sendJSON(t, producer, topic, transient.SagaID.String(), transient)
	sendJSON(t, producer, topic, invalid.SagaID.String(), invalid)
	sendJSON(t, producer, topic, "garbage", []byte(`{"sagaId": 42`))

	got := map[uuid.UUID]bool{receive(t, handled): true, receive(t, handled): true}
	assert.Equal(t, map[uuid.UUID]bool{approved.SagaID: true, transient.SagaID: true}, got)

	dead := map[string]bool{string(receive(t, dlq).Key): true, string(receive(t, dlq).Key): true}
	assert.Equal(t, map[string]bool{invalid.SagaID.String(): true, "garbage": true}, dead,
		"the invalid request and the undecodable record are dead-lettered")

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 2, calls[transient.SagaID], "a transient failure is retried")
	assert.Equal(t, 1, calls[invalid.SagaID], "an invalid request is not retried")
}
