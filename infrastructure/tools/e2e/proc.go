package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ProcStat returns field n (1-based, as in proc(5)) of /proc/<pid>/stat: 4 is
// the parent's process id, 14 and 15 the user and system time in clock ticks.
func ProcStat(pid, n int) (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; the fields after it start
	// past its closing parenthesis, with field 3.
	end := strings.LastIndexByte(string(raw), ')')
	if end < 0 {
		return 0, fmt.Errorf("/proc/%d/stat has no command name", pid)
	}
	fields := strings.Fields(string(raw[end+1:]))
	if n < 3 || n-3 >= len(fields) {
		return 0, fmt.Errorf("/proc/%d/stat has no field %d", pid, n)
	}
	return strconv.ParseInt(fields[n-3], 10, 64)
}

// ParentPID returns the process id of pid's parent.
func ParentPID(pid int) (int, error) {
	ppid, err := ProcStat(pid, 4)
	return int(ppid), err
}
