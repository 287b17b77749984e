package messaging_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/kafka/contract"
	"github.com/food-ordering-system/infrastructure/kafka/kafkatest"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/application/mocks"
	"github.com/food-ordering-system/order-service/internal/messaging"
)

func newProducer(t *testing.T, cfg kafka.Config) *kafka.Producer {
	t.Helper()
	p, err := kafka.NewProducer(cfg, zap.NewNop())
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// consume runs a consumer of topic with handler until the test ends.
func consume(t *testing.T, cfg kafka.Config, topic string, producer *kafka.Producer, handler kafka.Handler) {
	t.Helper()
	c, err := kafka.NewConsumer(cfg, kafka.ConsumerConfig{GroupID: "test-" + uuid.NewString(), Topics: []string{topic}}, handler, producer, zap.NewNop())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// collect consumes topic and returns the channel its records arrive on.
func collect(t *testing.T, cfg kafka.Config, topic string, producer *kafka.Producer) <-chan *kafka.Received {
	out := make(chan *kafka.Received, 16)
	consume(t, cfg, topic, producer, func(_ context.Context, msg *kafka.Received) error {
		out <- msg
		return nil
	})
	return out
}

func receive(t *testing.T, ch <-chan *kafka.Received) *kafka.Received {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(60 * time.Second):
		t.Fatal("no record arrived")
		return nil
	}
}

func TestOrderPaymentEventKafkaPublisher(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "payment-request")
	producer := newProducer(t, cfg)
	records := collect(t, cfg, topic, producer)
	orderID, customerID := kernel.NewID[kernel.OrderID](), kernel.NewID[kernel.CustomerID]()
	payload, err := json.Marshal(application.OrderPaymentEventPayload{
		OrderID: orderID, CustomerID: customerID, Price: kernel.MustParseMoney("200.00"), CreatedAt: createdAt,
		PaymentOrderStatus: kernel.PaymentOrderStatusPending,
	})
	require.NoError(t, err)
	row := outbox.Message{ID: uuid.New(), SagaID: uuid.New(), Type: application.OrderSagaName, Payload: payload, CreatedAt: createdAt}
	broken := outbox.Message{ID: uuid.New(), SagaID: uuid.New(), Payload: []byte("not json")}

	errs := messaging.NewOrderPaymentEventKafkaPublisher(producer, topic, zap.NewNop()).Publish(context.Background(), []outbox.Message{broken, row})

	require.Len(t, errs, 2)
	assert.Error(t, errs[0], "a row that cannot be encoded fails alone")
	require.NoError(t, errs[1])
	got := receive(t, records)
	assert.Equal(t, row.SagaID.String(), string(got.Key), "keyed by saga id")
	assert.Equal(t, row.ID.String(), got.Headers[kafka.HeaderMessageID])
	var msg contract.PaymentRequest
	require.NoError(t, json.Unmarshal(got.Value, &msg))
	assert.Equal(t, contract.PaymentRequest{
		ID: row.ID, SagaID: row.SagaID, CustomerID: customerID.UUID(), OrderID: orderID.UUID(),
		Price: kernel.MustParseMoney("200"), CreatedAt: createdAt, PaymentOrderStatus: kernel.PaymentOrderStatusPending,
	}, msg)
	assert.Contains(t, string(got.Value), `"price":200.00`, "money on the wire has two decimals")
}

func TestOrderApprovalEventKafkaPublisher(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "restaurant-approval-request")
	producer := newProducer(t, cfg)
	records := collect(t, cfg, topic, producer)
	orderID, restaurantID, productID := kernel.NewID[kernel.OrderID](), kernel.NewID[kernel.RestaurantID](), kernel.NewID[kernel.ProductID]()
	payload, err := json.Marshal(application.OrderApprovalEventPayload{
		OrderID: orderID, RestaurantID: restaurantID, Price: kernel.MustParseMoney("200.00"), CreatedAt: createdAt,
		RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid,
		Products:              []application.OrderApprovalEventProduct{{ID: productID, Quantity: 4}},
	})
	require.NoError(t, err)
	row := outbox.Message{ID: uuid.New(), SagaID: uuid.New(), Type: application.OrderSagaName, Payload: payload, CreatedAt: createdAt}

	errs := messaging.NewOrderApprovalEventKafkaPublisher(producer, topic, zap.NewNop()).Publish(context.Background(), []outbox.Message{row})

	require.Equal(t, []error{nil}, errs)
	got := receive(t, records)
	assert.Equal(t, row.SagaID.String(), string(got.Key))
	assert.Equal(t, row.ID.String(), got.Headers[kafka.HeaderMessageID])
	var msg contract.RestaurantApprovalRequest
	require.NoError(t, json.Unmarshal(got.Value, &msg))
	assert.Equal(t, contract.RestaurantApprovalRequest{
		ID: row.ID, SagaID: row.SagaID, RestaurantID: restaurantID.UUID(), OrderID: orderID.UUID(),
		RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid, Products: []contract.Product{{ID: productID.UUID(), Quantity: 4}},
		Price: kernel.MustParseMoney("200"), CreatedAt: createdAt,
	}, msg)
}

func send(t *testing.T, producer *kafka.Producer, topic string, key uuid.UUID, v any) {
	t.Helper()
	value, err := json.Marshal(v)
	require.NoError(t, err)
	require.Equal(t, []error{nil}, producer.Send(context.Background(), []kafka.Message{{Topic: topic, Key: []byte(key.String()), Value: value}}))
}

func TestListenersOnTheBroker(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	producer := newProducer(t, cfg)
	ctrl := gomock.NewController(t)

	paymentTopic := kafkatest.Topic(t, "payment-response")
	approvalTopic := kafkatest.Topic(t, "restaurant-approval-response")
	payments := mocks.NewMockPaymentResponseMessageListener(ctrl)
	approvals := mocks.NewMockRestaurantApprovalResponseMessageListener(ctrl)
	var wg sync.WaitGroup
	wg.Add(3)
	done := func(context.Context, any) error { wg.Done(); return nil }

	paid := paymentReply(kernel.PaymentStatusCompleted)
	refused := paymentReply(kernel.PaymentStatusFailed)
	approved := approvalReply(kernel.OrderApprovalStatusApproved)
	payments.EXPECT().PaymentCompleted(gomock.Any(), paymentDTO(paid)).DoAndReturn(func(ctx context.Context, r application.PaymentResponse) error { return done(ctx, r) })
	payments.EXPECT().PaymentCancelled(gomock.Any(), paymentDTO(refused)).DoAndReturn(func(ctx context.Context, r application.PaymentResponse) error { return done(ctx, r) })
	approvals.EXPECT().OrderApproved(gomock.Any(), approvalDTO(approved)).DoAndReturn(func(ctx context.Context, r application.RestaurantApprovalResponse) error { return done(ctx, r) })

	consume(t, cfg, paymentTopic, producer, messaging.NewPaymentResponseKafkaListener(payments, zap.NewNop()).Handle)
	consume(t, cfg, approvalTopic, producer, messaging.NewRestaurantApprovalResponseKafkaListener(approvals, zap.NewNop()).Handle)
	dlq := collect(t, cfg, paymentTopic+kafka.DeadLetterSuffix, producer)

	send(t, producer, paymentTopic, paid.SagaID, paid)
	send(t, producer, paymentTopic, refused.SagaID, refused)
	send(t, producer, approvalTopic, approved.SagaID, approved)
	send(t, producer, paymentTopic, uuid.New(), map[string]any{"sagaId": uuid.New(), "paymentStatus": "LOST"})

	dead := receive(t, dlq)
	assert.Contains(t, string(dead.Value), "LOST", "the undecodable reply went to the dead-letter topic")
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(60 * time.Second):
		t.Fatal("the listeners did not receive every reply")
	}
}
