package retry

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestBackoffGrowsWithJitterUpToMaxAndResets(t *testing.T) {
	b := NewBackoff(100*time.Millisecond, time.Second)
	first := b.Next()
	if first < 75*time.Millisecond || first > 125*time.Millisecond {
		t.Fatalf("first wait %s, want 100ms ± 25%%", first)
	}
	var last time.Duration
	for range 20 {
		last = b.Next()
	}
	if last < 750*time.Millisecond || last > 1250*time.Millisecond {
		t.Fatalf("wait after 20 failures %s, want the 1s cap ± 25%%", last)
	}
	b.Reset()
	if again := b.Next(); again > 125*time.Millisecond {
		t.Fatalf("wait after Reset %s, want about 100ms", again)
	}
}

func TestBackoffJitterSpreadsWaits(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[NewBackoff(time.Second, 10*time.Second).Next()] = true
	}
	if len(seen) < 5 {
		t.Fatalf("20 first waits took only %d values: no jitter", len(seen))
	}
}

func TestSleepEndsOnWakeAndOnCancel(t *testing.T) {
	wake := make(chan struct{}, 1)
	wake <- struct{}{}
	start := time.Now()
	if !Sleep(context.Background(), time.Minute, wake) {
		t.Fatal("Sleep reported a cancelled context on wake")
	}
	if time.Since(start) > time.Second {
		t.Fatal("Sleep did not end on wake")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Sleep(ctx, time.Minute, nil) {
		t.Fatal("Sleep reported true for a cancelled context")
	}
	if !Sleep(context.Background(), time.Millisecond, nil) {
		t.Fatal("Sleep reported false when the wait ran out")
	}
}

func TestPermanentMarksAnErrorThroughWrapping(t *testing.T) {
	cause := errors.New("cannot decode")
	marked := fmt.Errorf("record 3/17: %w", Permanent(cause))

	if !IsPermanent(marked) {
		t.Error("a wrapped Permanent error is not permanent")
	}
	if !errors.Is(marked, cause) {
		t.Error("the cause is not reachable through the mark")
	}
	if got := marked.Error(); got != "record 3/17: cannot decode" {
		t.Errorf("message %q: the mark must not change it", got)
	}
	if IsPermanent(cause) || IsPermanent(nil) {
		t.Error("an unmarked error, or nil, is permanent")
	}
	if Permanent(nil) != nil {
		t.Error("Permanent(nil) is not nil")
	}
}
