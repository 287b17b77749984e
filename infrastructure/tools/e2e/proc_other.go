//go:build !linux

package e2e

import "os/exec"

// stopWithParent does nothing where the kernel cannot tie a child's life to
// its parent's; System.Stop is then the only way the services end.
func stopWithParent(*exec.Cmd) {}
