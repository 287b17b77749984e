package messaging_test

import (
	"context"
	"encoding/json"
	"testing"

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
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/messaging"
)

func TestOrderApprovalEventKafkaPublisher(t *testing.T) {
	t.Parallel()
	producer, topic, records := topicOnTheBroker(t, "restaurant-approval-request")
	orderID, restaurantID, productID := kernel.NewID[kernel.OrderID](), kernel.NewID[kernel.RestaurantID](), kernel.NewID[kernel.ProductID]()
	payload, err := json.Marshal(application.OrderApprovalEventPayload{
		OrderID: orderID, RestaurantID: restaurantID, Price: kernel.MustParseMoney("200.00"), CreatedAt: createdAt,
		RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid,
		Products:              []application.OrderApprovalEventProduct{{ID: productID, Quantity: 4}},
	})
	require.NoError(t, err)
	row := outbox.Message{ID: uuid.New(), SagaID: uuid.New(), Type: saga.OrderSagaName, Payload: payload, CreatedAt: createdAt}

	errs := messaging.NewOrderApprovalEventKafkaPublisher(producer, topic, zap.NewNop()).Publish(context.Background(), []outbox.Message{row})

	require.Equal(t, []error{nil}, errs)
	got := kafkatest.Receive(t, records)
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
