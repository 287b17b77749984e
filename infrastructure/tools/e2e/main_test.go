package e2e_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// cleanerInterval is every outbox cleaner's interval in the system under
// test: short, so the cleaner test sees rows archived within seconds.
const cleanerInterval = 2 * time.Second

// sagaTimeout bounds the wait for one order to end its saga.
const sagaTimeout = 30 * time.Second

// sys is the system every test runs against; nil under -short.
var sys *e2e.System

// TestMain starts the three services once for the package (unless -short),
// runs the tests, stops the services and checks that they exit cleanly. When
// anything failed it prints the end of every service's log, so that the
// failure can be read from CI output, and keeps the logs; with
// FOS_E2E_KEEP_LOGS set it keeps them in any case.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run()) // every test skips itself
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	cfg, err := e2e.LocalConfig()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var buildFlags []string
	if os.Getenv("FOS_E2E_RACE") != "" {
		buildFlags = []string{"-race"} // the services themselves under the race detector
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cfg.CleanerInterval = cleanerInterval
	cfg.SessionTimeout = 6 * time.Second // the broker's minimum: a killed service recovers sooner
	cfg.Archive = true
	cfg.BuildFlags = buildFlags
	cfg.Logf = func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	s, err := e2e.StartSystem(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: starting the services:", err)
		return 1
	}
	sys = s

	code := m.Run()

	stopCtx, cancelStop := context.WithTimeout(context.Background(), time.Minute)
	defer cancelStop()
	if err := sys.Stop(stopCtx); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: stopping the services:", err)
		code = 1
	}
	if code != 0 {
		fmt.Println(sys.LogTail(200))
		fmt.Println("e2e: logs kept in", sys.LogDir())
		return code
	}
	if os.Getenv("FOS_E2E_KEEP_LOGS") != "" {
		fmt.Println("e2e: logs kept in", sys.LogDir())
		return 0
	}
	_ = sys.RemoveDir()
	return 0
}

// system returns the running system, skipping the test under -short.
func system(t *testing.T) *e2e.System {
	t.Helper()
	if sys == nil {
		t.Skip("end-to-end test: needs PostgreSQL and Kafka (run without -short, e.g. make test)")
	}
	return sys
}
