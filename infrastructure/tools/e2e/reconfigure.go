package e2e

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
)

// EnvPrefix is the prefix of service's environment overrides
// (order-service → ORDER_SERVICE_).
func EnvPrefix(service string) string {
	return strings.ToUpper(strings.ReplaceAll(service, "-", "_")) + "_"
}

// Reconfigure restarts service with its environment changed: it is stopped
// with SIGTERM (a clean shutdown, unlike Kill), and started again like
// Restart, with each key of env set to its value, or removed when the value
// is "" (so that config.yaml's value applies again). Keys are whole names
// (ORDER_SERVICE_SAGA_REPLY_TIMEOUT). It returns the changes that undo it,
// for Reconfigure to restore the service with later. It waits until the
// service answers /readyz again.
func (s *System) Reconfigure(ctx context.Context, service string, env map[string]string) (undo map[string]string, err error) {
	old, err := s.process(service)
	if err != nil {
		return nil, err
	}
	if old.exited() {
		return nil, fmt.Errorf("e2e: reconfigure %s: it is not running: %w", service, old.exitErr())
	}
	undo = make(map[string]string, len(env))
	next := maps.Clone(old.env)
	for k, v := range env {
		undo[k] = old.env[k]
		if v == "" {
			delete(next, k)
		} else {
			next[k] = v
		}
	}
	// stop has always ended the process when it returns, killing it if
	// SIGTERM did not; an unclean exit is reported, and the service still
	// starts again.
	stopErr := old.stop(s.cfg.StopTimeout)
	s.appendLog(service, "restarting with %v", env)
	p, err := s.startProcess(service, old.adminURL, next, true)
	if err != nil {
		return nil, errors.Join(stopErr, err)
	}
	return undo, errors.Join(stopErr, s.waitReady(ctx, p))
}
