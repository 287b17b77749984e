package application_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/application/mocks"
)

func TestOrderOutboxSchedulerPublishesClaimedRows(t *testing.T) {
	ctrl := gomock.NewController(t)
	store := mocks.NewMockOrderOutboxStore(ctrl)
	publisher := mocks.NewMockPaymentResponseMessagePublisher(ctrl)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	batch := []outbox.Message{{ID: uuid.New(), SagaID: uuid.New(), Type: application.OrderSagaName, Payload: []byte(`{}`)},
		{ID: uuid.New(), SagaID: uuid.New(), Type: application.OrderSagaName, Payload: []byte(`{}`)}}
	failed := errors.New("broker said no")
	var marked []uuid.UUID
	var publishErr error
	gomock.InOrder(
		store.EXPECT().Claim(gomock.Any(), 10, gomock.Any()).DoAndReturn(
			func(ctx context.Context, _ int, publish func(context.Context, []outbox.Message) ([]uuid.UUID, error)) (int, error) {
				marked, publishErr = publish(ctx, batch)
				cancel()
				return len(batch), nil
			}),
		publisher.EXPECT().Publish(gomock.Any(), batch).Return([]error{nil, failed}),
	)

	scheduler := application.NewOrderOutboxScheduler(store, publisher, nil,
		outbox.RelayConfig{BatchSize: 10, PollInterval: time.Hour}, zap.NewNop())
	require.NoError(t, scheduler.Run(ctx))

	assert.Equal(t, []uuid.UUID{batch[0].ID}, marked, "only the acknowledged row is marked COMPLETED")
	var rows *outbox.PublishError
	require.ErrorAs(t, publishErr, &rows, "the refused row is reported on its own, to be charged an attempt")
	require.Len(t, rows.Rows, 1)
	assert.Equal(t, batch[1].ID, rows.Rows[0].ID)
	assert.ErrorIs(t, rows.Rows[0].Err, failed)
}

func TestOrderOutboxCleanerSchedulerCleans(t *testing.T) {
	ctrl := gomock.NewController(t)
	store := mocks.NewMockOrderOutboxStore(ctrl)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store.EXPECT().CleanFinished(gomock.Any()).DoAndReturn(func(context.Context) (int64, error) {
		cancel()
		return 3, nil
	})

	cleaner := application.NewOrderOutboxCleanerScheduler(store, outbox.CleanerConfig{Interval: time.Millisecond}, zap.NewNop())
	done := make(chan error, 1)
	go func() { done <- cleaner.Run(ctx) }()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("cleaner did not clean within 5s")
	}
}
