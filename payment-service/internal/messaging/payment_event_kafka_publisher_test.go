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
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/messaging"
)

func outboxMessage(t *testing.T, status kernel.PaymentStatus, failures []string) (outbox.Message, application.OrderEventPayload) {
	t.Helper()
	payload := application.OrderEventPayload{PaymentID: kernel.NewID[kernel.PaymentID](), CustomerID: kernel.NewID[kernel.CustomerID](), OrderID: kernel.NewID[kernel.OrderID](),
		Price: kernel.MustParseMoney("600.00"), CreatedAt: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		PaymentStatus: status, FailureMessages: failures}
	raw, err := json.Marshal(payload)
	require.NoError(t, err)
	return outbox.Message{ID: uuid.New(), SagaID: uuid.New(), Type: saga.OrderSagaName, Payload: raw, CreatedAt: payload.CreatedAt}, payload
}

func TestPaymentEventKafkaPublisher(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "payment-response")
	p := kafkatest.Producer(t, cfg)
	got := kafkatest.Collect(t, cfg, topic, p)
	publisher := messaging.NewPaymentEventKafkaPublisher(p, topic, zap.NewNop())
	failed, failedPayload := outboxMessage(t, kernel.PaymentStatusFailed, []string{"no credit"})
	completed, _ := outboxMessage(t, kernel.PaymentStatusCompleted, []string{})
	broken := outbox.Message{ID: uuid.New(), SagaID: uuid.New(), Payload: []byte("[]")}

	errs := publisher.Publish(context.Background(), []outbox.Message{failed, broken, completed})

	require.Len(t, errs, 3)
	assert.NoError(t, errs[0])
	assert.Error(t, errs[1], "a payload that is not an OrderEventPayload is not sent")
	assert.NoError(t, errs[2])
	records := map[string]contract.PaymentResponse{}
	for range 2 {
		m := kafkatest.Receive(t, got)
		var r contract.PaymentResponse
		require.NoError(t, json.Unmarshal(m.Value, &r))
		assert.Equal(t, string(m.Key), r.SagaID.String(), "keyed by saga id")
		assert.Equal(t, r.ID.String(), m.Headers[kafka.HeaderMessageID])
		records[string(m.Key)] = r
	}
	assert.Contains(t, records, completed.SagaID.String())
	r := records[failed.SagaID.String()]
	assert.Equal(t, contract.PaymentResponse{ID: failed.ID, SagaID: failed.SagaID, PaymentID: failedPayload.PaymentID.UUID(),
		CustomerID: failedPayload.CustomerID.UUID(), OrderID: failedPayload.OrderID.UUID(), Price: r.Price,
		CreatedAt: failedPayload.CreatedAt, PaymentStatus: kernel.PaymentStatusFailed, FailureMessages: []string{"no credit"}}, r)
	assert.Equal(t, "600.00", r.Price.String())
}
