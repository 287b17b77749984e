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

func TestOrderPaymentEventKafkaPublisher(t *testing.T) {
	t.Parallel()
	producer, topic, records := topicOnTheBroker(t, "payment-request")
	orderID, customerID := kernel.NewID[kernel.OrderID](), kernel.NewID[kernel.CustomerID]()
	payload, err := json.Marshal(application.OrderPaymentEventPayload{
		OrderID: orderID, CustomerID: customerID, Price: kernel.MustParseMoney("200.00"), CreatedAt: createdAt,
		PaymentOrderStatus: kernel.PaymentOrderStatusPending,
	})
	require.NoError(t, err)
	row := outbox.Message{ID: uuid.New(), SagaID: uuid.New(), Type: saga.OrderSagaName, Payload: payload, CreatedAt: createdAt}
	broken := outbox.Message{ID: uuid.New(), SagaID: uuid.New(), Payload: []byte("not json")}

	errs := messaging.NewOrderPaymentEventKafkaPublisher(producer, topic, zap.NewNop()).Publish(context.Background(), []outbox.Message{broken, row})

	require.Len(t, errs, 2)
	assert.Error(t, errs[0], "a row that cannot be encoded fails alone")
	require.NoError(t, errs[1])
	got := kafkatest.Receive(t, records)
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
