package e2e_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
	"github.com/food-ordering-system/infrastructure/tools/dlq"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// poisonValues are records no service can ever handle: not JSON, JSON of the
// wrong types, an unknown status, and an amount beyond any column.
func poisonValues(sagaID, orderID string) map[string]string {
	return map[string]string{
		"not json":       `{"sagaId": `,
		"wrong types":    fmt.Sprintf(`{"id": 7, "sagaId": %q, "orderId": %q, "price": "lots"}`, sagaID, orderID),
		"unknown status": fmt.Sprintf(`{"id": %q, "sagaId": %q, "orderId": %q, "customerId": %q, "restaurantId": %q, "price": 10.00, "paymentOrderStatus": "MAYBE", "paymentStatus": "MAYBE", "restaurantOrderStatus": "MAYBE", "orderApprovalStatus": "MAYBE", "products": [{"id": %q, "quantity": 1}], "createdAt": "2024-05-01T10:00:00Z"}`, uuid.NewString(), sagaID, orderID, uuid.NewString(), uuid.NewString(), uuid.NewString()),
		"huge number":    fmt.Sprintf(`{"id": %q, "sagaId": %q, "orderId": %q, "customerId": %q, "restaurantId": %q, "price": 1e300, "paymentOrderStatus": "PENDING", "paymentStatus": "COMPLETED", "restaurantOrderStatus": "PAID", "orderApprovalStatus": "APPROVED", "products": [{"id": %q, "quantity": 1}], "createdAt": "2024-05-01T10:00:00Z"}`, uuid.NewString(), sagaID, orderID, uuid.NewString(), uuid.NewString(), uuid.NewString()),
	}
}

// Poison on every input topic of the saga never blocks it. A record no
// service can read (not JSON, wrong types, an unknown status) lands on the
// dead-letter topic with its reason. A readable one that names unknown ids
// and an absurd amount is a business dead end: the request is answered with
// a refusal and the answer, for a saga nobody runs, changes nothing. Either
// way the partitions keep moving: orders placed behind the poison complete.
func TestPoisonOnEveryInputTopicIsParkedAndOrdersKeepFlowing(t *testing.T) {
	s := system(t)
	ctx := context.Background()
	producer := kafkatest.Producer(t, s.KafkaConfig())

	keys := map[string]string{} // poison key -> what it is
	for _, usual := range e2e.SagaTopics {
		for kind, value := range poisonValues(uuid.NewString(), uuid.NewString()) {
			key := "poison-" + uuid.NewString()
			// A readable request the restaurant cannot accept (an unknown
			// status included) is answered REJECTED, not parked: its answer
			// does not depend on the status, and the saga then compensates.
			answered := kind == "huge number" || (usual == "restaurant-approval-request" && kind == "unknown status")
			if !answered {
				keys[key] = usual + ": " + kind
			}
			require.Equal(t, []error{nil}, producer.Send(ctx, []kafka.Message{{Topic: s.Topics[usual], Key: []byte(key), Value: []byte(value)}}),
				"%s: %s", usual, kind)
		}
	}

	// Orders behind the poison, spread over every partition, still end.
	customer := newCustomer(t, s, kernel.MustParseMoney("2000.00"))
	for range 6 {
		order, _ := placeAndFollow(t, s, e2e.SampleOrder(customer))
		assert.Equal(t, kernel.OrderStatusApproved, order.OrderStatus)
	}

	var dlqTopics []string
	for _, usual := range e2e.SagaTopics {
		dlqTopics = append(dlqTopics, s.Topics[usual]+kafka.DeadLetterSuffix)
	}
	parked := map[string]dlq.DeadLetter{}
	missing := func() []string {
		var out []string
		for key, what := range keys {
			if _, ok := parked[key]; !ok {
				out = append(out, what)
			}
		}
		return out
	}
	var notParked []string
	require.Eventually(t, func() bool {
		defer func() { notParked = missing() }()
		letters, err := dlq.List(ctx, s.KafkaConfig(), dlqTopics)
		if err != nil {
			return false
		}
		for _, d := range letters {
			if _, ok := keys[d.Key]; ok {
				parked[d.Key] = d
			}
		}
		return len(parked) == len(keys)
	}, 60*time.Second, 200*time.Millisecond, "every unreadable record is parked; not parked: %v", &notParked)
	for key, what := range keys {
		assert.NotEmpty(t, parked[key].Reason(), "%s is parked with its reason", what)
	}
}
