package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/postgres"
)

// The addresses and the database `make run` runs the services with: the
// defaults of their config.yaml files, which infrastructure/tools/local/run.sh
// keeps.
const (
	runDatabase = "food_ordering"
	runPIDFile  = ".run/services.pid"
)

var (
	runURLs      = map[string]string{"order-service": "http://127.0.0.1:8181", "payment-service": "http://127.0.0.1:8182", "restaurant-service": "http://127.0.0.1:8183"}
	runAdminURLs = map[string]string{"order-service": "http://127.0.0.1:9181", "payment-service": "http://127.0.0.1:9182", "restaurant-service": "http://127.0.0.1:9183"}
)

// AttachRun returns the system that `make run` runs from cfg.RepoDir: its
// three service processes, the development database and the usual topics.
// Nothing of it belongs to the caller: Stop only closes the connection,
// RemoveDir keeps make run's logs, and Kill, Restart and the other process
// controls refuse it. Besides the services, Helpers names make run's own
// processes (the script and the tail that shows the logs), whose CPU is
// part of what make run costs.
func AttachRun(ctx context.Context, cfg SystemConfig) (*System, error) {
	pidFile := filepath.Join(cfg.RepoDir, runPIDFile)
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		return nil, fmt.Errorf("e2e: no make run to attach to (%w): start one with make run", err)
	}
	runPID, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("e2e: %s holds %q, not a process id", pidFile, raw)
	}
	children, err := childrenOf(runPID)
	if err != nil {
		return nil, fmt.Errorf("e2e: make run (pid %d, from %s): %w", runPID, pidFile, err)
	}
	s := &System{
		Database: runDatabase,
		Topics:   make(map[string]string),
		Dir:      filepath.Join(cfg.RepoDir, ".run"), // its logs/ are make run's
		cfg:      cfg,
		attached: make(map[string]int, len(Services)),
		helpers:  map[string]int{"make run": runPID},
	}
	for _, t := range SagaTopics {
		s.Topics[t] = t
	}
	for pid, exe := range children {
		name := filepath.Base(exe)
		switch {
		case slices.Contains(Services, name):
			s.attached[name] = pid
		default:
			s.helpers["make run: "+name] = pid
		}
	}
	for _, name := range Services {
		if _, ok := s.attached[name]; !ok {
			return nil, fmt.Errorf("e2e: make run (pid %d) has no %s process yet: wait until it prints where the services listen", runPID, name)
		}
	}
	s.Client = newSystemClient(runURLs, runAdminURLs)
	if err := s.Client.Ready(ctx); err != nil {
		return nil, fmt.Errorf("e2e: make run's services are not ready: %w", err)
	}
	dbCfg := s.PostgresConfig()
	dbCfg.MaxOpenConns = 10
	if s.DB, err = postgres.Open(ctx, dbCfg, zap.NewNop()); err != nil {
		return nil, fmt.Errorf("e2e: %w", err)
	}
	return s, nil
}

// Attached reports whether the system is one that AttachRun found rather
// than one StartSystem started.
func (s *System) Attached() bool { return s.attached != nil }

// Helpers returns the process ids, by name, of the processes an attached
// system runs besides the services (none for a started system).
func (s *System) Helpers() map[string]int { return s.helpers }

// childrenOf returns the live child processes of pid, each with the path of
// its executable.
func childrenOf(pid int) (map[int]string, error) {
	if err := syscall.Kill(pid, 0); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	children := map[int]string{}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if parent, err := ParentPID(child); err != nil || parent != pid {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err != nil {
			continue
		}
		children[child] = exe
	}
	if len(children) == 0 {
		return nil, errors.New("it has no child processes")
	}
	return children, nil
}
