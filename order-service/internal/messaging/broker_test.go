package messaging_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/application/mocks"
	"github.com/food-ordering-system/order-service/internal/messaging"
)

func TestListenersOnTheBroker(t *testing.T) {
	t.Parallel()
	cfg := kafkatest.Config(t)
	producer := kafkatest.Producer(t, cfg)
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

	kafkatest.Consume(t, cfg, paymentTopic, producer, messaging.NewPaymentResponseKafkaListener(payments, zap.NewNop()).Handle)
	kafkatest.Consume(t, cfg, approvalTopic, producer, messaging.NewRestaurantApprovalResponseKafkaListener(approvals, zap.NewNop()).Handle)
	dlq := kafkatest.Collect(t, cfg, paymentTopic+kafka.DeadLetterSuffix, producer)

	send(t, producer, paymentTopic, paid.SagaID, paid)
	send(t, producer, paymentTopic, refused.SagaID, refused)
	send(t, producer, approvalTopic, approved.SagaID, approved)
	send(t, producer, paymentTopic, uuid.New(), map[string]any{"sagaId": uuid.New(), "paymentStatus": "LOST"})

	dead := kafkatest.Receive(t, dlq)
	assert.Contains(t, string(dead.Value), "LOST", "the undecodable reply went to the dead-letter topic")
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(60 * time.Second):
		t.Fatal("the listeners did not receive every reply")
	}
}
