package e2e_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/infrastructure/tools/e2e"
	"github.com/food-ordering-system/infrastructure/tools/load"
)

// TestLoadAttachedToMakeRun starts make run's script as a user does (or uses
// the one already running) and runs a short `make load ATTACH=1` against it:
// the system found is make run's own processes, every saga of the run ends,
// make run's helpers are in the CPU figures, and ending the load leaves
// make run running. Its orders stay in the development database, as a
// user's load run's do.
func TestLoadAttachedToMakeRun(t *testing.T) {
	system(t) // skips where the end-to-end tests do: make run needs PostgreSQL and Kafka
	cfg, err := e2e.LocalConfig()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	if _, err := e2e.AttachRun(ctx, cfg); err != nil {
		startMakeRun(t, cfg.RepoDir)
	}
	// make run builds and starts the services meanwhile.
	var sys *e2e.System
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var err error
		sys, err = e2e.AttachRun(ctx, cfg)
		assert.NoError(c, err)
	}, 3*time.Minute, 500*time.Millisecond, "make run did not come up within 3 minutes")
	t.Cleanup(func() { _ = sys.Stop(context.Background()) })

	raw, err := os.ReadFile(filepath.Join(cfg.RepoDir, ".run", "services.pid"))
	require.NoError(t, err)
	runPID, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	require.NoError(t, err)
	for _, service := range e2e.Services {
		pid, err := sys.PID(service)
		require.NoError(t, err)
		exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
		require.NoError(t, err)
		assert.Equal(t, filepath.Join(cfg.RepoDir, "bin", service), exe, "%s is make run's binary", service)
		parent, err := e2e.ParentPID(pid)
		require.NoError(t, err)
		assert.Equal(t, runPID, parent, "%s is a child of make run's script", service)
	}
	assert.Contains(t, sys.Helpers(), "make run: tail", "the tail that shows make run's logs is found")
	assert.ErrorContains(t, sys.Kill("order-service"), "runs under make run", "make run's services are not the harness's to kill")

	report, err := load.Run(ctx, sys, load.Config{Rate: 10, Duration: 4 * time.Second, Warmup: time.Second, Customers: 3})
	require.NoError(t, err)
	assert.Empty(t, report.Problems)
	assert.Equal(t, report.Sent, report.Approved+report.Cancelled, "every order ended APPROVED or CANCELLED")
	for _, process := range []string{"order-service", "payment-service", "restaurant-service", "postgres", "kafka"} {
		assert.Greater(t, report.CPUMsPerSaga[process], 0.0, "CPU of %s is measured", process)
	}
	for _, helper := range []string{"make run", "make run: tail"} {
		_, ok := report.CPUMsPerSaga[helper]
		assert.True(t, ok, "CPU of %s is in the figures", helper)
	}

	require.NoError(t, sys.Stop(ctx))
	assert.NoError(t, sys.Client.Ready(ctx), "make run's services still answer after the load ended")
	assert.NoError(t, syscall.Kill(runPID, 0), "make run still runs")
}

// startMakeRun starts infrastructure/tools/local/run.sh, what `make run` runs
// once PostgreSQL and Kafka are up, and stops it when the test ends.
func startMakeRun(t *testing.T, repo string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(repo, "infrastructure", "tools", "local", "run.sh"))
	cmd.Dir = repo
	logFile, err := os.Create(filepath.Join(t.TempDir(), "make-run.log"))
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM) // run.sh stops its services and exits
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		if t.Failed() {
			if out, err := os.ReadFile(logFile.Name()); err == nil {
				t.Logf("make run's output:\n%s", out)
			}
		}
	})
	select {
	case <-done:
		require.NoError(t, errors.Join(errors.New("make run exited at once"), waitErr))
	case <-time.After(time.Second):
	}
}
