package messaging_test

import (
	"context"
	"encoding/json"
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
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/application/mocks"
	"github.com/food-ordering-system/payment-service/internal/messaging"
)

func paymentRequest(status kernel.PaymentOrderStatus) contract.PaymentRequest {
	return contract.PaymentRequest{ID: uuid.New(), SagaID: uuid.New(), CustomerID: uuid.New(), OrderID: uuid.New(),
		Price: kernel.MustParseMoney("200.00"), CreatedAt: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), PaymentOrderStatus: status}
}

func record(t *testing.T, topic string, m contract.PaymentRequest) kafka.Message {
	t.Helper()
	value, err := json.Marshal(m)
	require.NoError(t, err)
	return kafka.Message{Topic: topic, Key: []byte(m.SagaID.String()), Value: value}
}

func assertRequest(t *testing.T, want contract.PaymentRequest, got application.PaymentRequest) {
	t.Helper()
	assert.Equal(t, want.ID, got.ID.UUID())
	assert.Equal(t, want.SagaID, got.SagaID.UUID())
	assert.Equal(t, want.CustomerID, got.CustomerID.UUID())
	assert.Equal(t, want.OrderID, got.OrderID.UUID())
	assert.True(t, want.Price.Equal(got.Price), "price %s", got.Price)
	assert.True(t, want.CreatedAt.Equal(got.CreatedAt))
	assert.Equal(t, want.PaymentOrderStatus, got.PaymentOrderStatus)
}

// into is a port method that hands each request to ch.
func into(ch chan<- application.PaymentRequest) func(context.Context, application.PaymentRequest) error {
	return func(_ context.Context, r application.PaymentRequest) error {
		ch <- r
		return nil
	}
}

func TestPaymentRequestKafkaListenerRoutesRequests(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "payment-request")
	p := kafkatest.Producer(t, cfg)
	port := mocks.NewMockPaymentRequestMessageListener(gomock.NewController(t))
	completed := make(chan application.PaymentRequest, 1)
	cancelled := make(chan application.PaymentRequest, 1)
	port.EXPECT().CompletePayment(gomock.Any(), gomock.Any()).DoAndReturn(into(completed))
	port.EXPECT().CancelPayment(gomock.Any(), gomock.Any()).DoAndReturn(into(cancelled))
	listener := messaging.NewPaymentRequestKafkaListener(port, zaptest.NewLogger(t))
	kafkatest.Consume(t, cfg, topic, p, listener.Handle)

	pending, cancel := paymentRequest(kernel.PaymentOrderStatusPending), paymentRequest(kernel.PaymentOrderStatusCancelled)
	kafkatest.Send(t, p, record(t, topic, pending), record(t, topic, cancel))

	assertRequest(t, pending, kafkatest.Receive(t, completed))
	assertRequest(t, cancel, kafkatest.Receive(t, cancelled))
}

func TestPaymentRequestKafkaListenerRetriesTransientFailures(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "payment-request")
	p := kafkatest.Producer(t, cfg)
	port := mocks.NewMockPaymentRequestMessageListener(gomock.NewController(t))
	done := make(chan struct{})
	gomock.InOrder(
		port.EXPECT().CompletePayment(gomock.Any(), gomock.Any()).Return(kernel.Errorf(kernel.ECodeUnavailable, "database unavailable")),
		port.EXPECT().CompletePayment(gomock.Any(), gomock.Any()).DoAndReturn(func(context.Context, application.PaymentRequest) error {
			close(done)
			return nil
		}),
	)
	kafkatest.Consume(t, cfg, topic, p, messaging.NewPaymentRequestKafkaListener(port, zaptest.NewLogger(t)).Handle)

	kafkatest.Send(t, p, record(t, topic, paymentRequest(kernel.PaymentOrderStatusPending)))

	kafkatest.Receive(t, done)
}

func TestPaymentRequestKafkaListenerDeadLettersOnlyWhatCannotBeAnswered(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	topic := kafkatest.Topic(t, "payment-request")
	p := kafkatest.Producer(t, cfg)
	port := mocks.NewMockPaymentRequestMessageListener(gomock.NewController(t))
	// A request without customer can still be answered: the application
	// answers it FAILED, so it reaches the application.
	noCustomer := paymentRequest(kernel.PaymentOrderStatusPending)
	noCustomer.CustomerID = uuid.Nil
	answered := make(chan application.PaymentRequest, 1)
	port.EXPECT().CompletePayment(gomock.Any(), gomock.Any()).DoAndReturn(into(answered))
	badStatus := paymentRequest("PAID")
	noOrder := paymentRequest(kernel.PaymentOrderStatusPending)
	noOrder.OrderID = uuid.Nil
	noSaga := paymentRequest(kernel.PaymentOrderStatusCancelled)
	noSaga.SagaID = uuid.Nil
	dlq := kafkatest.Collect(t, cfg, topic+kafka.DeadLetterSuffix, p)
	kafkatest.Consume(t, cfg, topic, p, messaging.NewPaymentRequestKafkaListener(port, zaptest.NewLogger(t)).Handle)

	notJSON := kafka.Message{Topic: topic, Key: []byte("k"), Value: []byte("{not json")}
	kafkatest.Send(t, p, notJSON, record(t, topic, badStatus), record(t, topic, noOrder), record(t, topic, noSaga), record(t, topic, noCustomer))

	reasons := map[string]string{}
	for range 4 {
		m := kafkatest.Receive(t, dlq)
		reasons[string(m.Key)] = m.Headers[kafka.HeaderDeadLetterReason]
	}
	assert.Contains(t, reasons["k"], "decode")
	assert.Contains(t, reasons[badStatus.SagaID.String()], `unknown paymentOrderStatus "PAID"`)
	assert.Contains(t, reasons[noOrder.SagaID.String()], "has no order id")
	assert.Contains(t, reasons[uuid.Nil.String()], "has no saga id")
	assertRequest(t, noCustomer, kafkatest.Receive(t, answered))
}

func TestPaymentRequestKafkaListenerLocksInCustomerOrder(t *testing.T) {
	listener := messaging.NewPaymentRequestKafkaListener(nil, zaptest.NewLogger(t))
	req := paymentRequest(kernel.PaymentOrderStatusPending)
	rec := record(t, "payment-request", req)
	assert.Equal(t, req.CustomerID.String(), listener.LockKey(&kafka.Received{Key: rec.Key, Value: rec.Value}))
	assert.Empty(t, listener.LockKey(&kafka.Received{Value: []byte("not json")}), "an undecodable request sorts first")
}
