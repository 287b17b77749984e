package lifecycle_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/food-ordering-system/infrastructure/lifecycle"
)

// blocking is a component that runs until cancelled and counts its stops.
func blocking(name string, stopped *atomic.Int32) lifecycle.Component {
	return lifecycle.Component{Name: name, Run: func(ctx context.Context) error {
		<-ctx.Done()
		stopped.Add(1)
		return nil
	}}
}

func TestAFailingComponentStopsTheOthers(t *testing.T) {
	var stopped atomic.Int32
	failure := errors.New("listen tcp :8181: address already in use")
	err := lifecycle.Run(context.Background(), zaptest.NewLogger(t),
		blocking("consumer", &stopped),
		blocking("relay", &stopped),
		lifecycle.Component{Name: "http server", Run: func(context.Context) error { return failure }},
	)
	require.ErrorIs(t, err, failure)
	assert.Contains(t, err.Error(), "http server")
	assert.EqualValues(t, 2, stopped.Load(), "every other component was stopped and waited for")
}

func TestCancellingStopsEveryComponentCleanly(t *testing.T) {
	var stopped atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- lifecycle.Run(ctx, zaptest.NewLogger(t), blocking("a", &stopped), blocking("b", &stopped))
	}()
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	assert.EqualValues(t, 2, stopped.Load())
}
