package application_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/saga"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/application/mocks"
)

func TestOrderOutboxSchedulerMarksOnlyAcknowledgedMessages(t *testing.T) {
	ctrl := gomock.NewController(t)
	store := mocks.NewMockOrderOutboxStore(ctrl)
	publisher := mocks.NewMockRestaurantApprovalResponseMessagePublisher(ctrl)
	batch := []outbox.Message{
		{ID: uuid.New(), SagaID: uuid.New(), Type: saga.OrderSagaName, Payload: []byte(`{}`)},
		{ID: uuid.New(), SagaID: uuid.New(), Type: saga.OrderSagaName, Payload: []byte(`{}`)},
	}
	nack := errors.New("not enough in-sync replicas")

	publisher.EXPECT().Publish(gomock.Any(), batch).Return([]error{nil, nack})
	store.EXPECT().Claim(gomock.Any(), 10, gomock.Any()).DoAndReturn(
		func(ctx context.Context, _ int, publish func(context.Context, []outbox.Message) ([]uuid.UUID, error)) (int, error) {
			published, err := publish(ctx, batch)
			assert.Equal(t, []uuid.UUID{batch[0].ID}, published, "only the acknowledged message may be marked COMPLETED")
			var rows *outbox.PublishError
			if assert.ErrorAs(t, err, &rows, "the refused message is reported on its own, to be charged an attempt") &&
				assert.Len(t, rows.Rows, 1) {
				assert.Equal(t, batch[1].ID, rows.Rows[0].ID)
				assert.ErrorIs(t, rows.Rows[0].Err, nack)
			}
			return len(batch), err
		})

	scheduler := application.NewOrderOutboxScheduler(store, publisher, nil, outbox.RelayConfig{BatchSize: 10}, zap.NewNop())
	err := scheduler.ProcessOutboxMessages(context.Background())
	assert.NoError(t, err, "a message failing on its own does not stop the others")
}

func TestOrderOutboxSchedulerDrainsFullBatches(t *testing.T) {
	ctrl := gomock.NewController(t)
	store := mocks.NewMockOrderOutboxStore(ctrl)
	publisher := mocks.NewMockRestaurantApprovalResponseMessagePublisher(ctrl)
	gomock.InOrder(
		store.EXPECT().Claim(gomock.Any(), 2, gomock.Any()).Return(2, nil),
		store.EXPECT().Claim(gomock.Any(), 2, gomock.Any()).Return(1, nil),
	)

	scheduler := application.NewOrderOutboxScheduler(store, publisher, nil, outbox.RelayConfig{BatchSize: 2}, zap.NewNop())
	require.NoError(t, scheduler.ProcessOutboxMessages(context.Background()))
}

func TestOrderOutboxSchedulerRunWakesOnNotify(t *testing.T) {
	ctrl := gomock.NewController(t)
	store := mocks.NewMockOrderOutboxStore(ctrl)
	publisher := mocks.NewMockRestaurantApprovalResponseMessagePublisher(ctrl)
	wake := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var claims atomic.Int32
	store.EXPECT().Claim(gomock.Any(), gomock.Any(), gomock.Any()).MinTimes(2).DoAndReturn(
		func(context.Context, int, func(context.Context, []outbox.Message) ([]uuid.UUID, error)) (int, error) {
			if claims.Add(1) == 2 {
				cancel() // the second claim came from the wake-up, not from the hour-long poll
			}
			return 0, nil
		})

	scheduler := application.NewOrderOutboxScheduler(store, publisher, wake,
		outbox.RelayConfig{PollInterval: time.Hour}, zap.NewNop())
	done := make(chan error, 1)
	go func() { done <- scheduler.Run(ctx) }()
	wake <- struct{}{}

	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("the scheduler did not publish when woken")
	}
}

func TestOrderOutboxCleanerSchedulerCleansPeriodically(t *testing.T) {
	ctrl := gomock.NewController(t)
	store := mocks.NewMockOrderOutboxCleanerStore(ctrl)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var cleans atomic.Int32
	store.EXPECT().CleanFinished(gomock.Any()).MinTimes(2).DoAndReturn(func(context.Context) (int64, error) {
		if cleans.Add(1) == 2 {
			cancel()
		}
		return 3, nil
	})

	cleaner := application.NewOrderOutboxCleanerScheduler(store, outbox.CleanerConfig{Interval: 10 * time.Millisecond}, zap.NewNop())
	done := make(chan error, 1)
	go func() { done <- cleaner.Run(ctx) }()

	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("the cleaner did not clean twice")
	}
}
