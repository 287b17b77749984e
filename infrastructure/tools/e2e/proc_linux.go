package e2e

import (
	"os/exec"
	"syscall"
)

// stopWithParent makes the kernel send the service SIGTERM when the process
// that started it dies, so a test binary killed by its timeout leaves no
// services behind.
func stopWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
