package messaging_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/messaging"
)

func TestRestaurantApprovalEventsKafkaPublisherPublishesTheAnswer(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "restaurant-approval-response")
	publisher := messaging.NewRestaurantApprovalEventsKafkaPublisher(kafkatest.Producer(t, cfg), topic, zap.NewNop())

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

	record := kafkatest.Receive(t, kafkatest.Collect(t, cfg, topic, nil))
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
	publisher := messaging.NewRestaurantApprovalEventsKafkaPublisher(kafkatest.Producer(t, cfg), topic, zap.NewNop())
	payload, err := json.Marshal(application.OrderEventPayload{
		OrderID: kernel.NewID[kernel.OrderID](), RestaurantID: kernel.NewID[kernel.RestaurantID](),
		CreatedAt: time.Now().UTC(), OrderApprovalStatus: kernel.OrderApprovalStatusApproved,
	})
	require.NoError(t, err)

	errs := publisher.Publish(context.Background(), []outbox.Message{{ID: uuid.New(), SagaID: uuid.New(), Payload: payload}})
	require.Equal(t, []error{nil}, errs)

	record := kafkatest.Receive(t, kafkatest.Collect(t, cfg, topic, nil))
	assert.JSONEq(t, `[]`, string(mustField(t, record.Value, "failureMessages")))
	assert.JSONEq(t, `"APPROVED"`, string(mustField(t, record.Value, "orderApprovalStatus")))
}

// mustField is the raw JSON of a field of the object value.
func mustField(t *testing.T, value []byte, name string) json.RawMessage {
	t.Helper()
	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(value, &fields))
	f, ok := fields[name]
	require.True(t, ok, "field %s missing in %s", name, value)
	return f
}
