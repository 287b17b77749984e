package load

import (
	"testing"
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// The warm-up's sagas count in the whole run's latency and not in the steady
// window's; the latencies end when the final status was written, except the
// one read by the poll; only the sagas that ended in the window count toward
// the throughput.
func TestReportLeavesTheWarmUpOutOfTheSteadyLatency(t *testing.T) {
	start := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	steadyFrom, steadyTo := start.Add(10*time.Second), start.Add(20*time.Second)
	ended := func(sent time.Time, took time.Duration) *saga {
		return &saga{sent: sent, posted: sent.Add(time.Millisecond), final: sent.Add(took), seen: sent.Add(took + 3*time.Millisecond),
			status: kernel.OrderStatusApproved}
	}
	r := &runner{cfg: Config{Rate: 1, Duration: 20 * time.Second, Warmup: 10 * time.Second}, sagas: []*saga{
		ended(start.Add(time.Second), 2*time.Second),                  // warm-up, slow
		ended(start.Add(9*time.Second), 1500*time.Millisecond),        // sent in the warm-up, ends in the window
		ended(start.Add(11*time.Second), 20*time.Millisecond),         // steady
		ended(start.Add(12*time.Second), 40*time.Millisecond),         // steady
		ended(start.Add(19990*time.Millisecond), 30*time.Millisecond), // steady, ends after the window
	}}

	rep := r.report(steadyFrom, steadyTo, Floor{})

	if rep.Saga.N != 5 || rep.Saga.Max != 2000 {
		t.Errorf("whole run: %d sagas, max %.1f ms; want 5 sagas, max 2000 ms", rep.Saga.N, rep.Saga.Max)
	}
	if rep.SagaSteady.N != 3 || rep.SagaSteady.Max != 40 {
		t.Errorf("steady window: %d sagas, max %.1f ms; want the 3 sent after the warm-up, max 40 ms",
			rep.SagaSteady.N, rep.SagaSteady.Max)
	}
	if rep.SagaSeen.N != 5 || rep.SagaSeen.Max != 2003 {
		t.Errorf("read by the poll: %d sagas, max %.1f ms; want 5 sagas, max 2003 ms (the end read 3 ms after it was written)",
			rep.SagaSeen.N, rep.SagaSeen.Max)
	}
	if rep.steadyFinished != 3 {
		t.Errorf("%d sagas ended in the steady window, want 3", rep.steadyFinished)
	}
}
