package e2e

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"time"
)

// Finish ends a system that a command started for one run, whose outcome is
// runErr: it stops the services (within a minute) and deletes their logs if
// the run and the stop went well. Otherwise it keeps the logs, prints the end
// of them when a service did not stop cleanly (its log says why), and returns
// runErr and the stop's error, saying where the logs are.
func (s *System) Finish(runErr error) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Stop(ctx); err != nil {
		fmt.Println(s.LogTail(40))
		runErr = errors.Join(runErr, fmt.Errorf("stopping the services: %w", err))
	}
	if runErr == nil {
		return s.RemoveDir()
	}
	return fmt.Errorf("%w (the services' logs are in %s)", runErr, s.LogDir())
}

// LocateTool returns the absolute path of an executable a command runs: path,
// or defaultPath below the repository root when path is empty. A missing one
// is an error naming the make target that installs it.
func LocateTool(repo, path, defaultPath, installedBy string) (string, error) {
	if path == "" {
		path = filepath.Join(repo, defaultPath)
	}
	found, err := exec.LookPath(path)
	if err == nil {
		// Absolute, since the tools run in other directories.
		found, err = filepath.Abs(found)
	}
	if err != nil {
		return "", fmt.Errorf("%s not found (%s installs it): %w", filepath.Base(path), installedBy, err)
	}
	return found, nil
}
