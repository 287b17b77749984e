package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/uuid"
	"go.uber.org/zap"
	"gorm.io/gorm"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/postgres"
)

// Services are the three services a System runs, by module directory name.
var Services = []string{"order-service", "payment-service", "restaurant-service"}

// SystemConfig says where and how a System runs.
type SystemConfig struct {
	// RepoDir is the repository root: the directory of go.work, holding the
	// services' module directories.
	RepoDir string
	// Postgres is the server the system's database is created on; Database
	// names the existing database to connect to for CREATE DATABASE.
	Postgres postgres.Config
	// Kafka is the broker the services use.
	Kafka kafka.Config
	// CleanerInterval is every outbox cleaner's interval (the services'
	// default when zero).
	CleanerInterval time.Duration
	// Archive makes the cleaners move finished outbox rows to the archive
	// tables instead of deleting them.
	Archive bool
	// BuildFlags are added to `go build`, e.g. -race.
	BuildFlags []string
	// ReadyTimeout bounds the wait for the services' /readyz (90s when zero).
	ReadyTimeout time.Duration
	// StopTimeout bounds the wait for each service to exit after SIGTERM (30s
	// when zero).
	StopTimeout time.Duration
	// Logf reports progress (nothing when nil).
	Logf func(format string, args ...any)
}

// System is the three services running as processes on a database and
// topics of their own. Start it with StartSystem, end it with Stop.
type System struct {
	// Client reaches the three services.
	Client *Client
	// Database is the name of the system's database.
	Database string
	// DB is connected to the system's database without a search_path: name
	// tables with their schema ("order".orders, payment.credit_entry).
	DB *gorm.DB
	// Topics are the saga's topics of this system, by their usual names
	// (payment-request → payment-request-<run id>).
	Topics map[string]string
	// Dir holds the binaries (bin/) and the services' logs (logs/).
	Dir string

	cfg       SystemConfig
	runID     string
	groups    []string
	processes []*process
}

// StartSystem builds the three services, creates a database for them, starts
// each from its module directory with its own config.yaml and environment
// overrides (the database, a free HTTP port, topics and consumer groups
// named after the run, the cleaners' settings), and waits until all three
// answer /readyz. On failure it undoes what it did; the error then carries
// the end of the logs of a service that did not start.
func StartSystem(ctx context.Context, cfg SystemConfig) (_ *System, err error) {
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = 90 * time.Second
	}
	if cfg.StopTimeout <= 0 {
		cfg.StopTimeout = 30 * time.Second
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	if _, err := os.Stat(filepath.Join(cfg.RepoDir, "go.work")); err != nil {
		return nil, fmt.Errorf("e2e: %s is not the repository root: %w", cfg.RepoDir, err)
	}
	runID := strings.ReplaceAll(uuid.NewString(), "-", "")[:12]
	s := &System{
		Database: "fos_e2e_" + runID,
		Topics:   make(map[string]string),
		cfg:      cfg,
		runID:    runID,
	}
	for _, t := range []string{"payment-request", "payment-response", "restaurant-approval-request", "restaurant-approval-response"} {
		s.Topics[t] = t + "-e2e-" + runID
	}
	if s.Dir, err = os.MkdirTemp("", "fos-e2e-"+runID+"-"); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.Stop(context.Background()), fmt.Errorf("e2e: the services' logs are in %s", s.LogDir()))
		}
	}()

	start := time.Now()
	if err := s.build(ctx); err != nil {
		return nil, err
	}
	cfg.Logf("e2e: built the services in %s", time.Since(start).Round(time.Millisecond))
	if err := s.createDatabase(ctx); err != nil {
		return nil, err
	}
	ports, err := freePorts(len(Services))
	if err != nil {
		return nil, err
	}
	urls := make(map[string]string, len(Services))
	for i, name := range Services {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[i]))
		urls[name] = "http://" + addr
		if err := s.startProcess(name, s.environment(name, addr)); err != nil {
			return nil, err
		}
	}
	s.Client = NewClient(urls["order-service"], urls["payment-service"], urls["restaurant-service"])
	if err := s.waitReady(ctx); err != nil {
		return nil, err
	}
	cfg.Logf("e2e: services ready in %s (database %s, logs in %s)", time.Since(start).Round(time.Millisecond), s.Database, s.LogDir())
	return s, nil
}

// LogDir is the directory of the services' log files.
func (s *System) LogDir() string { return filepath.Join(s.Dir, "logs") }

// LogFile is the file service's standard output and error go to.
func (s *System) LogFile(service string) string { return filepath.Join(s.LogDir(), service+".log") }

// LogTail returns the last n lines of every service's log, each under a
// header naming the service and the file.
func (s *System) LogTail(n int) string {
	var b strings.Builder
	for _, name := range Services {
		path := s.LogFile(name)
		lines, err := tail(path, n)
		fmt.Fprintf(&b, "===== %s: last %d lines of %s =====\n", name, n, path)
		if err != nil {
			fmt.Fprintf(&b, "(%v)\n", err)
			continue
		}
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Stop sends SIGTERM to every service and waits for them to exit, then drops
// the database, deletes the topics and the binaries. It reports a service
// that exited before, did not exit within the stop timeout (it is then
// killed), or exited with a status other than 0. The logs are kept in Dir;
// RemoveDir deletes them.
func (s *System) Stop(ctx context.Context) error {
	var errs []error
	var wg sync.WaitGroup
	results := make([]error, len(s.processes))
	for i, p := range s.processes {
		wg.Go(func() { results[i] = p.stop(s.cfg.StopTimeout) })
	}
	wg.Wait()
	errs = append(errs, results...)
	s.processes = nil
	_ = os.RemoveAll(filepath.Join(s.Dir, "bin"))
	if s.DB != nil {
		if sqlDB, err := s.DB.DB(); err == nil {
			_ = sqlDB.Close()
		}
		s.DB = nil
	}
	errs = append(errs, s.dropDatabase(ctx), s.deleteTopics())
	return errors.Join(errs...)
}

// RemoveDir deletes the logs of a stopped system.
func (s *System) RemoveDir() error { return os.RemoveAll(s.Dir) }

// build compiles the three services into Dir/bin. With the workspace (the
// default) one `go build` compiles all three, sharing their dependencies'
// compilation, which halves a cold build; with GOWORK=off each is built in
// its own module.
func (s *System) build(ctx context.Context) error {
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	goBuild := func(dir string, packages ...string) error {
		args := append([]string{"build"}, s.cfg.BuildFlags...)
		args = append(args, "-o", filepath.Join(s.Dir, "bin")+string(filepath.Separator))
		cmd := exec.CommandContext(ctx, goTool, append(args, packages...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("e2e: go build %s in %s: %w\n%s", strings.Join(packages, " "), dir, err, out)
		}
		return nil
	}
	if os.Getenv("GOWORK") != "off" {
		packages := make([]string, len(Services))
		for i, name := range Services {
			packages[i] = "github.com/food-ordering-system/" + name + "/cmd/" + name
		}
		return goBuild(s.cfg.RepoDir, packages...)
	}
	for _, name := range Services {
		if err := goBuild(filepath.Join(s.cfg.RepoDir, name), "./cmd/"+name); err != nil {
			return err
		}
	}
	return nil
}

func (s *System) binary(service string) string { return filepath.Join(s.Dir, "bin", service) }

// environment is the overrides of service's config.yaml for this run. Every
// key is one the service documents (PREFIX_SECTION_KEY).
func (s *System) environment(service, httpAddress string) map[string]string {
	prefix := strings.ToUpper(strings.ReplaceAll(service, "-", "_"))
	pg := s.cfg.Postgres
	env := map[string]string{
		"HTTP_ADDRESS":      httpAddress,
		"POSTGRES_HOST":     pg.Host,
		"POSTGRES_PORT":     strconv.Itoa(pg.Port),
		"POSTGRES_USER":     pg.User,
		"POSTGRES_PASSWORD": pg.Password,
		"POSTGRES_DATABASE": s.Database,
		"KAFKA_BROKERS":     strings.Join(s.cfg.Kafka.Brokers, ","),
		"OUTBOX_ARCHIVE":    strconv.FormatBool(s.cfg.Archive),
		"LOG_LEVEL":         "info",
	}
	cleaners := []string{"OUTBOX_CLEANER_INTERVAL"}
	switch service {
	case "order-service":
		env["TOPICS_PAYMENT_REQUEST"] = s.Topics["payment-request"]
		env["TOPICS_PAYMENT_RESPONSE"] = s.Topics["payment-response"]
		env["TOPICS_RESTAURANT_APPROVAL_REQUEST"] = s.Topics["restaurant-approval-request"]
		env["TOPICS_RESTAURANT_APPROVAL_RESPONSE"] = s.Topics["restaurant-approval-response"]
		env["CONSUMERS_PAYMENT_RESPONSE_GROUP_ID"] = s.groupID("order-service-payment-response")
		env["CONSUMERS_RESTAURANT_APPROVAL_RESPONSE_GROUP_ID"] = s.groupID("order-service-restaurant-approval-response")
		cleaners = []string{"OUTBOX_PAYMENT_CLEANER_INTERVAL", "OUTBOX_APPROVAL_CLEANER_INTERVAL"}
	case "payment-service":
		env["TOPICS_PAYMENT_REQUEST"] = s.Topics["payment-request"]
		env["TOPICS_PAYMENT_RESPONSE"] = s.Topics["payment-response"]
		env["CONSUMER_GROUP_ID"] = s.groupID("payment-service-payment-request")
	case "restaurant-service":
		env["TOPICS_RESTAURANT_APPROVAL_REQUEST"] = s.Topics["restaurant-approval-request"]
		env["TOPICS_RESTAURANT_APPROVAL_RESPONSE"] = s.Topics["restaurant-approval-response"]
		env["CONSUMER_GROUP_ID"] = s.groupID("restaurant-service-restaurant-approval-request")
	}
	if s.cfg.CleanerInterval > 0 {
		for _, key := range cleaners {
			env[key] = s.cfg.CleanerInterval.String()
		}
	}
	prefixed := make(map[string]string, len(env))
	for k, v := range env {
		prefixed[prefix+"_"+k] = v
	}
	return prefixed
}

// groupID names a consumer group after the run, and remembers it for
// deleteTopics.
func (s *System) groupID(base string) string {
	id := base + "-e2e-" + s.runID
	s.groups = append(s.groups, id)
	return id
}

func (s *System) startProcess(service string, env map[string]string) error {
	if err := os.MkdirAll(s.LogDir(), 0o755); err != nil {
		return err
	}
	logFile, err := os.Create(s.LogFile(service))
	if err != nil {
		return err
	}
	cmd := exec.Command(s.binary(service), "-config", "config.yaml")
	cmd.Dir = filepath.Join(s.cfg.RepoDir, service)
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v) // the last value of a key wins
	}
	// An *os.File is handed to the child as is: no copying goroutines.
	cmd.Stdout, cmd.Stderr = logFile, logFile
	stopWithParent(cmd)
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return fmt.Errorf("e2e: start %s: %w", service, err)
	}
	p := &process{name: service, cmd: cmd, log: logFile, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		_ = p.log.Close()
		close(p.done)
	}()
	s.processes = append(s.processes, p)
	return nil
}

// waitReady waits until every service answers /readyz with 200, failing
// early when one exits.
func (s *System) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ReadyTimeout)
	defer cancel()
	for {
		for _, p := range s.processes {
			if p.exited() {
				return fmt.Errorf("e2e: %s exited during start (%v); its log ends with:\n%s", p.name, p.err, tailString(s.LogFile(p.name), 50))
			}
		}
		attempt, cancelAttempt := context.WithTimeout(ctx, 2*time.Second)
		err := s.Client.Ready(attempt)
		cancelAttempt()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("e2e: services not ready within %s: %w\n%s", s.cfg.ReadyTimeout, err, s.LogTail(50))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (s *System) createDatabase(ctx context.Context) error {
	admin, err := s.adminDB(ctx)
	if err != nil {
		return err
	}
	defer closeDB(admin)
	if err := admin.WithContext(ctx).Exec("CREATE DATABASE " + postgres.QuoteIdent(s.Database)).Error; err != nil {
		return fmt.Errorf("e2e: create database %s: %w", s.Database, err)
	}
	cfg := s.cfg.Postgres
	cfg.Database, cfg.Schema = s.Database, ""
	cfg.MaxOpenConns = 10
	if s.DB, err = postgres.Open(ctx, cfg, zap.NewNop()); err != nil {
		return fmt.Errorf("e2e: %w", err)
	}
	return nil
}

func (s *System) dropDatabase(ctx context.Context) error {
	admin, err := s.adminDB(ctx)
	if err != nil {
		return err
	}
	defer closeDB(admin)
	// FORCE ends connections a killed service may have left behind.
	err = admin.WithContext(ctx).Exec("DROP DATABASE IF EXISTS " + postgres.QuoteIdent(s.Database) + " WITH (FORCE)").Error
	if err != nil {
		return fmt.Errorf("e2e: drop database %s: %w", s.Database, err)
	}
	return nil
}

func (s *System) adminDB(ctx context.Context) (*gorm.DB, error) {
	cfg := s.cfg.Postgres
	cfg.Schema = ""
	cfg.MaxOpenConns = 1
	db, err := postgres.Open(ctx, cfg, zap.NewNop())
	if err != nil {
		return nil, fmt.Errorf("e2e: %w (is PostgreSQL running? infrastructure/local/postgres.sh start)", err)
	}
	return db, nil
}

// deleteTopics removes the run's topics, their dead-letter topics and the
// consumer groups, so that test runs do not pile up on the broker. Missing
// ones are fine.
func (s *System) deleteTopics() error {
	sc := sarama.NewConfig()
	sc.ClientID = "fos-e2e"
	if s.cfg.Kafka.Version != "" {
		if v, err := sarama.ParseKafkaVersion(s.cfg.Kafka.Version); err == nil {
			sc.Version = v
		}
	}
	sc.Net.DialTimeout = 5 * time.Second
	admin, err := sarama.NewClusterAdmin(s.cfg.Kafka.Brokers, sc)
	if err != nil {
		return fmt.Errorf("e2e: kafka admin: %w", err)
	}
	defer admin.Close()
	var errs []error
	for _, topic := range s.Topics {
		for _, name := range []string{topic, topic + kafka.DeadLetterSuffix} {
			if err := admin.DeleteTopic(name); err != nil && !errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
				errs = append(errs, fmt.Errorf("e2e: delete topic %s: %w", name, err))
			}
		}
	}
	for _, group := range s.groups {
		if err := admin.DeleteConsumerGroup(group); err != nil && !errors.Is(err, sarama.ErrGroupIDNotFound) {
			errs = append(errs, fmt.Errorf("e2e: delete consumer group %s: %w", group, err))
		}
	}
	return errors.Join(errs...)
}

func closeDB(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		_ = sqlDB.Close()
	}
}

// process is one running service. err is written once, before done closes.
type process struct {
	name string
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
	err  error
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM and waits up to timeout for a clean exit (status 0);
// after that the process is killed.
func (p *process) stop(timeout time.Duration) error {
	if p.exited() {
		return fmt.Errorf("e2e: %s had exited before it was stopped: %v", p.name, p.err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("e2e: signal %s: %w", p.name, err)
	}
	select {
	case <-p.done:
	case <-time.After(timeout):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("e2e: %s did not exit within %s of SIGTERM; killed", p.name, timeout)
	}
	if p.err != nil {
		return fmt.Errorf("e2e: %s did not exit cleanly after SIGTERM: %w", p.name, p.err)
	}
	return nil
}

// freePorts returns n distinct TCP ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("e2e: find a free port: %w", err)
		}
		defer l.Close() // held until all are chosen, so none repeats
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// tail returns the last n lines of the file at path.
func tail(path string, n int) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return lines, sc.Err()
}

func tailString(path string, n int) string {
	lines, err := tail(path, n)
	if err != nil {
		return err.Error()
	}
	return strings.Join(lines, "\n")
}
