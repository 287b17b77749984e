package application_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/application/mocks"
)

// A clean deletes batch after batch while batches come back full, and stops
// at the first one that is not.
func TestIdempotencyKeyCleanerDeletesInBatchesUntilOneIsNotFull(t *testing.T) {
	keys := mocks.NewMockIdempotencyKeyRepository(gomock.NewController(t))
	cleaner := application.NewIdempotencyKeyCleaner(keys,
		application.IdempotencyConfig{Retention: 48 * time.Hour, BatchSize: 10}, zaptest.NewLogger(t))
	gomock.InOrder(
		keys.EXPECT().DeleteExpired(gomock.Any(), 48*time.Hour, 10).Return(int64(10), nil),
		keys.EXPECT().DeleteExpired(gomock.Any(), 48*time.Hour, 10).Return(int64(10), nil),
		keys.EXPECT().DeleteExpired(gomock.Any(), 48*time.Hour, 10).Return(int64(3), nil),
	)

	removed, err := cleaner.Clean(context.Background())

	require.NoError(t, err)
	assert.EqualValues(t, 23, removed)
}

// The defaults are a day of retention in batches of 1000; a failed batch ends
// the clean with what was removed so far.
func TestIdempotencyKeyCleanerDefaultsAndFailure(t *testing.T) {
	keys := mocks.NewMockIdempotencyKeyRepository(gomock.NewController(t))
	cleaner := application.NewIdempotencyKeyCleaner(keys, application.IdempotencyConfig{}, zaptest.NewLogger(t))
	down := errors.New("database unavailable")
	gomock.InOrder(
		keys.EXPECT().DeleteExpired(gomock.Any(), 24*time.Hour, 1000).Return(int64(1000), nil),
		keys.EXPECT().DeleteExpired(gomock.Any(), 24*time.Hour, 1000).Return(int64(0), down),
	)

	removed, err := cleaner.Clean(context.Background())

	assert.ErrorIs(t, err, down)
	assert.EqualValues(t, 1000, removed)
}
