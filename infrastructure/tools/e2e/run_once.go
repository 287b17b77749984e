package e2e

import (
	"bytes"
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
)

// RunOnce runs service's binary once with args, as a migration job or a
// container's one-off command does: from its module directory, with the
// environment its current process started with, changed by env (whole
// names, as Reconfigure takes them; "" removes a variable). It returns what
// the binary wrote on standard output and error, and its exit error (nil
// for status 0). ctx bounds the run: a binary still running when it ends is
// killed.
func (s *System) RunOnce(ctx context.Context, service string, env map[string]string, args ...string) (string, error) {
	p, err := s.process(service)
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, s.binary(serviceOf(service)), append([]string{"-config", "config.yaml"}, args...)...)
	cmd.Dir = filepath.Join(s.cfg.RepoDir, serviceOf(service))
	merged := maps.Clone(p.env)
	for k, v := range env {
		if v == "" {
			delete(merged, k)
		} else {
			merged[k] = v
		}
	}
	cmd.Env = os.Environ()
	for k, v := range merged {
		cmd.Env = append(cmd.Env, k+"="+v) // the last value of a key wins
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	return out.String(), err
}
