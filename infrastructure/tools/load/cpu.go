package load

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// processNames are the processes whose CPU a run reports, in print order.
var processNames = []string{"order-service", "payment-service", "restaurant-service", "postgres", "kafka", "load generator"}

// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat times; it
// is 100 on every Linux build this runs on.
const clockTicks = 100

// cpuSampler reads the CPU time the system's processes have used.
type cpuSampler struct {
	services map[string]int
	// helpers are the processes that run an attached system's services
	// (make run's script and its log tail), reported after processNames.
	helpers map[string]int
	// generatorBackends lists the PostgreSQL backends serving the load
	// generator's own status poll, whose CPU is the generator's, not the
	// sagas'.
	generatorBackends func() map[int]bool
}

// cpuSample is each process's CPU time at one moment.
type cpuSample struct {
	at    time.Time
	ticks map[string]int64
}

func newCPUSampler(s *e2e.System) (*cpuSampler, error) {
	c := &cpuSampler{services: map[string]int{}}
	for _, name := range e2e.Services {
		pid, err := s.PID(name)
		if err != nil {
			return nil, err
		}
		c.services[name] = pid
	}
	c.helpers = s.Helpers()
	return c, nil
}

// sample reads every process's user and system time. PostgreSQL counts the
// server and all its backends, plus the time of backends that have exited
// (added to the server's children time); the broker is the JVM running
// kafka.Kafka.
func (c *cpuSampler) sample() cpuSample {
	s := cpuSample{at: time.Now(), ticks: map[string]int64{}}
	for name, pid := range c.services {
		if t, err := procTicks(pid, false); err == nil {
			s.ticks[name] = t
		}
	}
	for name, pid := range c.helpers {
		// With its reaped children: the script's short-lived commands.
		if t, err := procTicks(pid, true); err == nil {
			s.ticks[name] = t
		}
	}
	if t, err := procTicks(os.Getpid(), false); err == nil {
		s.ticks["load generator"] = t
	}
	var generator map[int]bool
	if c.generatorBackends != nil {
		generator = c.generatorBackends()
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		switch {
		case strings.TrimSpace(string(comm)) == "postgres":
			t, err := procTicks(pid, isPostmaster(pid))
			switch {
			case err != nil:
			case generator[pid]:
				s.ticks["load generator"] += t
			default:
				s.ticks["postgres"] += t
			}
		case strings.TrimSpace(string(comm)) == "java":
			cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			if strings.Contains(string(cmdline), "kafka.Kafka") {
				if t, err := procTicks(pid, false); err == nil {
					s.ticks["kafka"] += t
				}
			}
		}
	}
	return s
}

// perSaga divides each process's CPU time between two samples by the sagas
// that ended between them.
func (c *cpuSampler) perSaga(before, after cpuSample, sagas int) map[string]float64 {
	out := map[string]float64{}
	if sagas == 0 {
		return out
	}
	for name, end := range after.ticks {
		start, ok := before.ticks[name]
		if !ok {
			continue
		}
		out[name] = float64(end-start) * 1000 / clockTicks / float64(sagas)
	}
	return out
}

// isPostmaster reports whether pid is PostgreSQL's server process rather than
// one of its children.
func isPostmaster(pid int) bool {
	ppid, err := e2e.ParentPID(pid)
	if err != nil {
		return false
	}
	comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", ppid))
	return strings.TrimSpace(string(comm)) != "postgres"
}

// procTicks is a process's user plus system time, with its reaped
// children's when children is set.
func procTicks(pid int, children bool) (int64, error) {
	fields := []int{14, 15}
	if children {
		fields = append(fields, 16, 17)
	}
	var total int64
	for _, f := range fields {
		v, err := e2e.ProcStat(pid, f)
		if err != nil {
			return 0, err
		}
		total += v
	}
	return total, nil
}
