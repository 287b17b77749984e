package application_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/application/mocks"
)

// runUntil runs fn in a goroutine and returns a function that cancels it and
// returns its error.
func runUntil(t *testing.T, fn func(ctx context.Context) error) func() error {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fn(ctx) }()
	return func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(5 * time.Second):
			t.Fatal("scheduler did not stop")
			return nil
		}
	}
}

func TestOutboxSchedulersPublishClaimedRowsAndReportTheAcknowledgedOnes(t *testing.T) {
	type newScheduler func(store outbox.Store, ctrl *gomock.Controller, publish func(context.Context, []outbox.Message) []error) func(context.Context) error
	schedulers := map[string]newScheduler{
		"PaymentOutboxScheduler": func(store outbox.Store, ctrl *gomock.Controller, publish func(context.Context, []outbox.Message) []error) func(context.Context) error {
			pub := mocks.NewMockPaymentRequestMessagePublisher(ctrl)
			pub.EXPECT().Publish(gomock.Any(), gomock.Any()).DoAndReturn(publish)
			return application.NewPaymentOutboxScheduler(store, pub, nil, outbox.RelayConfig{PollInterval: time.Hour}, zap.NewNop()).Run
		},
		"RestaurantApprovalOutboxScheduler": func(store outbox.Store, ctrl *gomock.Controller, publish func(context.Context, []outbox.Message) []error) func(context.Context) error {
			pub := mocks.NewMockRestaurantApprovalRequestMessagePublisher(ctrl)
			pub.EXPECT().Publish(gomock.Any(), gomock.Any()).DoAndReturn(publish)
			return application.NewRestaurantApprovalOutboxScheduler(store, pub, nil, outbox.RelayConfig{PollInterval: time.Hour}, zap.NewNop()).Run
		},
	}
	for name, build := range schedulers {
		t.Run(name, func(t *testing.T) {
			ctrl := gomock.NewController(t)
			store := mocks.NewMockStore(ctrl)
			batch := []outbox.Message{{ID: uuid.New(), SagaID: uuid.New()}, {ID: uuid.New(), SagaID: uuid.New()}}
			var (
				mu           sync.Mutex
				published    []uuid.UUID
				publishedErr error
			)
			claimed := make(chan struct{})
			store.EXPECT().Claim(gomock.Any(), 100, gomock.Any()).DoAndReturn(
				func(ctx context.Context, _ int, publish func(context.Context, []outbox.Message) ([]uuid.UUID, error)) (int, error) {
					ids, err := publish(ctx, batch)
					mu.Lock()
					published, publishedErr = ids, err
					mu.Unlock()
					close(claimed)
					return len(batch), nil
				})
			run := build(store, ctrl, func(_ context.Context, got []outbox.Message) []error {
				assert.Equal(t, batch, got)
				return []error{nil, errors.New("broker down")}
			})

			stop := runUntil(t, run)
			<-claimed
			require.NoError(t, stop())

			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, []uuid.UUID{batch[0].ID}, published, "only the acknowledged message is marked published")
			assert.ErrorContains(t, publishedErr, "broker down")
		})
	}
}

func TestOutboxCleanerSchedulersCleanOnTheirInterval(t *testing.T) {
	builds := map[string]func(outbox.CleanerStore) func(context.Context) error{
		"PaymentOutboxCleanerScheduler": func(s outbox.CleanerStore) func(context.Context) error {
			return application.NewPaymentOutboxCleanerScheduler(s, outbox.CleanerConfig{Interval: 10 * time.Millisecond}, zap.NewNop()).Run
		},
		"RestaurantApprovalOutboxCleanerScheduler": func(s outbox.CleanerStore) func(context.Context) error {
			return application.NewRestaurantApprovalOutboxCleanerScheduler(s, outbox.CleanerConfig{Interval: 10 * time.Millisecond}, zap.NewNop()).Run
		},
	}
	for name, build := range builds {
		t.Run(name, func(t *testing.T) {
			ctrl := gomock.NewController(t)
			store := mocks.NewMockCleanerStore(ctrl)
			cleaned := make(chan struct{}, 10)
			store.EXPECT().CleanFinished(gomock.Any()).MinTimes(2).DoAndReturn(func(context.Context) (int64, error) {
				cleaned <- struct{}{}
				return 1, nil
			})

			stop := runUntil(t, build(store))
			<-cleaned
			<-cleaned
			require.NoError(t, stop())
		})
	}
}
