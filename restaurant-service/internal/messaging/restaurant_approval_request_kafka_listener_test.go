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
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/application/mocks"
	"github.com/food-ordering-system/restaurant-service/internal/messaging"
)

// sendJSON publishes v (raw when it is a []byte) under key.
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
	producer := kafkatest.Producer(t, cfg)
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

	dlq := kafkatest.Collect(t, cfg, topic+kafka.DeadLetterSuffix, nil)
	kafkatest.Consume(t, cfg, topic, nil, listener.Handle)
	sendJSON(t, producer, topic, approved.SagaID.String(), approved)
	sendJSON(t, producer, topic, transient.SagaID.String(), transient)
	sendJSON(t, producer, topic, invalid.SagaID.String(), invalid)
	sendJSON(t, producer, topic, "garbage", []byte(`{"sagaId": 42`))

	got := map[uuid.UUID]bool{kafkatest.Receive(t, handled): true, kafkatest.Receive(t, handled): true}
	assert.Equal(t, map[uuid.UUID]bool{approved.SagaID: true, transient.SagaID: true}, got)

	dead := map[string]bool{string(kafkatest.Receive(t, dlq).Key): true, string(kafkatest.Receive(t, dlq).Key): true}
	assert.Equal(t, map[string]bool{invalid.SagaID.String(): true, "garbage": true}, dead,
		"the invalid request and the undecodable record are dead-lettered")

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 2, calls[transient.SagaID], "a transient failure is retried")
	assert.Equal(t, 1, calls[invalid.SagaID], "an invalid request is not retried")
}

// A request no answer could name, or a cancellation without restaurant, is
// parked by the mapper and never reaches the application.
func TestRestaurantApprovalRequestKafkaListenerParksRequestsThatCannotBeAnswered(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "restaurant-approval-request")
	producer := kafkatest.Producer(t, cfg)
	input := mocks.NewMockRestaurantApprovalRequestMessageListener(gomock.NewController(t)) // any call fails the test
	request := func(mutate func(*contract.RestaurantApprovalRequest)) contract.RestaurantApprovalRequest {
		r := contract.RestaurantApprovalRequest{ID: uuid.New(), SagaID: uuid.New(), OrderID: uuid.New(),
			RestaurantID:          uuid.MustParse("d215b5f8-0249-4dc5-89a3-51fd148cfb45"),
			RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid, Price: kernel.MustParseMoney("25.00")}
		mutate(&r)
		return r
	}
	dlq := kafkatest.Collect(t, cfg, topic+kafka.DeadLetterSuffix, nil)
	kafkatest.Consume(t, cfg, topic, nil, messaging.NewRestaurantApprovalRequestKafkaListener(input, zaptest.NewLogger(t)).Handle)

	sendJSON(t, producer, topic, "no-saga", request(func(r *contract.RestaurantApprovalRequest) { r.SagaID = uuid.Nil }))
	sendJSON(t, producer, topic, "no-order", request(func(r *contract.RestaurantApprovalRequest) { r.OrderID = uuid.Nil }))
	sendJSON(t, producer, topic, "cancellation-without-restaurant", request(func(r *contract.RestaurantApprovalRequest) {
		r.RestaurantOrderStatus, r.RestaurantID = kernel.RestaurantOrderStatusCancelled, uuid.Nil
	}))

	reasons := map[string]string{}
	for range 3 {
		m := kafkatest.Receive(t, dlq)
		reasons[string(m.Key)] = m.Headers[kafka.HeaderDeadLetterReason]
	}
	assert.Contains(t, reasons["no-saga"], "an id is missing")
	assert.Contains(t, reasons["no-order"], "an id is missing")
	assert.Contains(t, reasons["cancellation-without-restaurant"], "the restaurant id is missing")
}
