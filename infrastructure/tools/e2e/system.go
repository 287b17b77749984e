package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/uuid"
	"go.uber.org/zap"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/postgres"
)

// Services are the three services a System runs, by module directory name.
var Services = []string{"order-service", "payment-service", "restaurant-service"}

// SagaTopics are the saga's four topics by their usual names, the keys of
// System.Topics.
var SagaTopics = []string{"payment-request", "payment-response", "restaurant-approval-request", "restaurant-approval-response"}

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
	// ReplicationFactor is that of the topics the services create, their
	// dead-letter topics too (the services' own, 1, when zero).
	ReplicationFactor int16
	// CleanerInterval is every outbox cleaner's interval (the services'
	// default when zero).
	CleanerInterval time.Duration
	// SessionTimeout is every consumer group's session timeout (the
	// services' default when zero): how long a killed service's partitions
	// wait before its restarted self may take them back.
	SessionTimeout time.Duration
	// Archive makes the cleaners move finished outbox rows to the archive
	// tables instead of deleting them.
	Archive bool
	// Tracing is every service's tracing.exporter (config.yaml's, none,
	// when empty); with log, each service's spans are JSON lines in its log.
	Tracing string
	// Pprof serves each service's Go profiles under /debug/pprof/ on its
	// admin listener.
	Pprof bool
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

	cfg    SystemConfig
	runID  string
	groups []consumerGroup

	// mu guards processes: Kill and Restart replace a service's process
	// while the test's other goroutines use the system.
	mu        sync.Mutex
	processes map[string]*process

	// attached holds the services' process ids of a system AttachRun found,
	// helpers the ids of the processes that run them; both are nil for a
	// system StartSystem started.
	attached map[string]int
	helpers  map[string]int
}

// consumerGroup is one consumer group of the system: its id for this run and
// the topic it reads, by the topic's usual name.
type consumerGroup struct {
	id    string
	topic string
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
		Database:  "fos_e2e_" + runID,
		Topics:    make(map[string]string),
		cfg:       cfg,
		runID:     runID,
		processes: make(map[string]*process, len(Services)),
	}
	for _, t := range SagaTopics {
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
	ports, err := freePorts(2 * len(Services))
	if err != nil {
		return nil, err
	}
	urls := make(map[string]string, len(Services))
	adminURLs := make(map[string]string, len(Services))
	started := make([]*process, 0, len(Services))
	for i, name := range Services {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[2*i]))
		admin := net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[2*i+1]))
		urls[name], adminURLs[name] = "http://"+addr, "http://"+admin
		p, err := s.startProcess(name, adminURLs[name], s.environment(name, addr, admin), false)
		if err != nil {
			return nil, err
		}
		started = append(started, p)
	}
	s.Client = newSystemClient(urls, adminURLs)
	if err := s.waitReady(ctx, started...); err != nil {
		return nil, err
	}
	cfg.Logf("e2e: services ready in %s (database %s, logs in %s)", time.Since(start).Round(time.Millisecond), s.Database, s.LogDir())
	return s, nil
}

// newSystemClient returns a client of the services at urls, with their admin
// listeners at adminURLs, both by service name.
func newSystemClient(urls, adminURLs map[string]string) *Client {
	c := NewClient(urls["order-service"], urls["payment-service"], urls["restaurant-service"])
	c.OrderAdminURL = adminURLs["order-service"]
	c.PaymentAdminURL = adminURLs["payment-service"]
	c.RestaurantAdminURL = adminURLs["restaurant-service"]
	return c
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

// Stop sends SIGTERM to every running service and waits for them to exit,
// then drops the database, deletes the topics and the binaries. It reports a
// service that exited on its own before, did not exit within the stop
// timeout (it is then killed), or exited with a status other than 0. A
// service that Kill stopped and nothing restarted is not reported. The logs
// are kept in Dir; RemoveDir deletes them.
func (s *System) Stop(ctx context.Context) error {
	if s.Attached() {
		// Not the caller's to stop: only its connection goes.
		if s.DB != nil {
			_ = postgres.Close(s.DB)
			s.DB = nil
		}
		return nil
	}
	s.mu.Lock()
	processes := s.processes
	s.processes = nil
	s.mu.Unlock()
	var errs []error
	var wg sync.WaitGroup
	results := make(chan error, len(processes))
	for _, p := range processes {
		if p.killed {
			continue
		}
		wg.Go(func() { results <- p.stop(s.cfg.StopTimeout) })
	}
	wg.Wait()
	close(results)
	for err := range results {
		errs = append(errs, err)
	}
	_ = os.RemoveAll(filepath.Join(s.Dir, "bin"))
	if s.DB != nil {
		_ = postgres.Close(s.DB)
		s.DB = nil
	}
	errs = append(errs, s.dropDatabase(ctx), s.deleteTopics())
	return errors.Join(errs...)
}

// Kill crashes service: SIGKILL, then a wait (bounded by the stop timeout)
// until it has exited. The service gets no chance to finish a transaction,
// to publish what it claimed, to commit its consumers' offsets or to leave
// its consumer groups; its group memberships live on until the broker's
// session timeout ends them. Restart brings it back. Kill must not run
// concurrently with Restart or Stop.
func (s *System) Kill(service string) error {
	p, err := s.process(service)
	if err != nil {
		return err
	}
	if p.exited() {
		return fmt.Errorf("e2e: kill %s: it is not running: %w", service, p.exitErr())
	}
	if err := p.cmd.Process.Kill(); err != nil {
		return fmt.Errorf("e2e: kill %s: %w", service, err)
	}
	select {
	case <-p.done:
	case <-time.After(s.cfg.StopTimeout):
		return fmt.Errorf("e2e: %s did not exit within %s of SIGKILL", service, s.cfg.StopTimeout)
	}
	p.killed = true // read by Stop and Restart, which do not run concurrently with Kill
	s.appendLog(service, "killed with SIGKILL (%v)", p.err)
	return nil
}

// Restart starts service again after Kill (or after it exited on its own):
// the same binary from the same directory with the same environment, so the
// same HTTP port, database, topics and consumer groups. It waits, bounded by
// the ready timeout, until the service answers /readyz: it then serves HTTP
// and reaches PostgreSQL and Kafka, though its consumers may still be
// joining their groups. The service's output goes on at the end of its log
// file, after a line that marks the restart.
func (s *System) Restart(ctx context.Context, service string) error {
	old, err := s.process(service)
	if err != nil {
		return err
	}
	if !old.exited() {
		return fmt.Errorf("e2e: restart %s: it is still running; Kill it first", service)
	}
	s.appendLog(service, "restarting")
	p, err := s.startProcess(service, old.adminURL, old.env, true)
	if err != nil {
		return err
	}
	return s.waitReady(ctx, p)
}

// process returns service's current process.
func (s *System) process(service string) (*process, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.processes[service]
	if !ok && s.Attached() {
		return nil, fmt.Errorf("e2e: %s runs under make run, not under this harness: it cannot be controlled from here", service)
	}
	if !ok {
		return nil, fmt.Errorf("e2e: no service %q in the system (stopped, or not one of %v)", service, Services)
	}
	return p, nil
}

// appendLog writes a line of the harness into service's log file, between
// the lines of the service's runs, so that a reader of the log sees where a
// run ended and the next began.
func (s *System) appendLog(service, format string, args ...any) {
	f, err := os.OpenFile(s.LogFile(service), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "===== e2e %s: %s =====\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}

// ConsumerGroups returns the id of each consumer group of the system by the
// usual name of the topic it reads (payment-request → its group's id).
func (s *System) ConsumerGroups() map[string]string {
	out := make(map[string]string, len(s.groups))
	for _, g := range s.groups {
		out[g.topic] = g.id
	}
	return out
}

// StartReplica starts a second instance of service: the same binary, folder
// and settings (so the same consumer groups and outbox tables) on HTTP and
// admin ports of its own. It is named "<service>#2" for Kill and Restart, and Stop stops
// it with the others. It returns once the replica answers /readyz.
func (s *System) StartReplica(ctx context.Context, service string) (string, error) {
	primary, err := s.process(service)
	if err != nil {
		return "", err
	}
	ports, err := freePorts(2)
	if err != nil {
		return "", err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))
	admin := net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1]))
	env := make(map[string]string, len(primary.env))
	for k, v := range primary.env {
		env[k] = v
	}
	prefix := strings.ToUpper(strings.ReplaceAll(service, "-", "_"))
	env[prefix+"_HTTP_ADDRESS"] = addr
	env[prefix+"_ADMIN_ADDRESS"] = admin
	name := service + "#2"
	p, err := s.startProcess(name, "http://"+admin, env, false)
	if err != nil {
		return "", err
	}
	return name, s.waitReady(ctx, p)
}

// serviceOf is the service a process name belongs to: "order-service#2" is
// an instance of order-service.
func serviceOf(name string) string { return strings.SplitN(name, "#", 2)[0] }

// unpublishableRows inserts, into each of the four outbox tables, one row
// whose payload no longer maps to its message (a hand edit, a payload of an
// older version): the relay can never publish it.
var unpublishableRows = map[string]string{
	`"order".payment_outbox`: `INSERT INTO "order".payment_outbox (id, saga_id, created_at, type, payload, outbox_status,
		saga_status, order_status, payment_order_status) VALUES (?, ?, now(), 'OrderProcessingSaga', '{"orderId": "not-a-uuid", "price": "lots"}', 'STARTED', 'SUCCEEDED', 'APPROVED', 'PENDING')`,
	`"order".order_approval_outbox`: `INSERT INTO "order".order_approval_outbox (id, saga_id, created_at, type, payload,
		outbox_status, saga_status, order_status) VALUES (?, ?, now(), 'OrderProcessingSaga', '{"orderId": "not-a-uuid", "price": "lots"}', 'STARTED', 'SUCCEEDED', 'APPROVED')`,
	`payment.order_outbox`: `INSERT INTO payment.order_outbox (id, saga_id, created_at, type, payload, outbox_status,
		payment_status, payment_order_status) VALUES (?, ?, now(), 'OrderProcessingSaga', '{"orderId": "not-a-uuid", "price": "lots"}', 'STARTED', 'COMPLETED', 'PENDING')`,
	`restaurant.order_outbox`: `INSERT INTO restaurant.order_outbox (id, saga_id, created_at, type, payload, outbox_status,
		approval_status) VALUES (?, ?, now(), 'OrderProcessingSaga', '{"orderId": "not-a-uuid", "price": "lots"}', 'STARTED', 'APPROVED')`,
}

// InsertUnpublishableRows puts a row the relay can never publish into each
// of the four outbox tables and returns the rows' ids by table
// ("order".payment_outbox, payment.order_outbox, ...).
func (s *System) InsertUnpublishableRows(ctx context.Context) (map[string]uuid.UUID, error) {
	ids := make(map[string]uuid.UUID, len(unpublishableRows))
	for table, insert := range unpublishableRows {
		id := uuid.New()
		if err := s.DB.WithContext(ctx).Exec(insert, id, uuid.New()).Error; err != nil {
			return ids, fmt.Errorf("e2e: unpublishable row in %s: %w", table, err)
		}
		ids[table] = id
	}
	return ids, nil
}

// PostgresConfig returns the settings of the system's database as the
// administrator, without a schema: what DB is connected with, for a caller
// that needs a pool of its own.
func (s *System) PostgresConfig() postgres.Config {
	cfg := s.cfg.Postgres
	cfg.Database, cfg.Schema = s.Database, ""
	return cfg
}

// KafkaConfig returns the broker settings the system runs on.
func (s *System) KafkaConfig() kafka.Config { return s.cfg.Kafka }

// Healthcheck runs service's binary with -healthcheck, as a container's
// health check does: from its module directory, with the environment its
// current process started with, changed by env. It returns what the binary
// wrote on standard error and its exit error (nil for status 0).
func (s *System) Healthcheck(ctx context.Context, service string, env map[string]string) (string, error) {
	p, err := s.process(service)
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, s.binary(serviceOf(service)), "-config", "config.yaml", "-healthcheck")
	cmd.Dir = filepath.Join(s.cfg.RepoDir, serviceOf(service))
	cmd.Env = os.Environ()
	for _, overrides := range []map[string]string{p.env, env} {
		for k, v := range overrides {
			cmd.Env = append(cmd.Env, k+"="+v) // the last value of a key wins
		}
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Run()
	return stderr.String(), err
}

// PID returns the process id of service's current process.
func (s *System) PID(service string) (int, error) {
	if s.Attached() {
		if pid, ok := s.attached[service]; ok {
			return pid, nil
		}
		return 0, fmt.Errorf("e2e: no service %q in make run's system (not one of %v)", service, Services)
	}
	p, err := s.process(service)
	if err != nil {
		return 0, err
	}
	return p.cmd.Process.Pid, nil
}

// CreateCustomer creates a customer known to order-service with credit in
// payment-service (its history one CREDIT of the same amount), through the
// services' own tables, so that a test's or a load run's balances are its
// own.
func (s *System) CreateCustomer(ctx context.Context, credit kernel.Money) (kernel.CustomerID, error) {
	id := kernel.NewID[kernel.CustomerID]()
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, stmt := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO "order".customers (id) VALUES (?)`, []any{id.UUID()}},
			{`INSERT INTO payment.credit_entry (id, customer_id, total_credit_amount) VALUES (?, ?, ?)`,
				[]any{uuid.New(), id.UUID(), credit.Decimal()}},
			{`INSERT INTO payment.credit_history (id, customer_id, amount, type, created_at) VALUES (?, ?, ?, 'CREDIT', now())`,
				[]any{uuid.New(), id.UUID(), credit.Decimal()}},
		} {
			if err := tx.Exec(stmt.sql, stmt.args...).Error; err != nil {
				return fmt.Errorf("e2e: create customer: %s: %w", strings.Fields(stmt.sql)[2], err)
			}
		}
		return nil
	})
	return id, err
}

// RemoveDir deletes the logs of a stopped system.
func (s *System) RemoveDir() error {
	if s.Attached() {
		return nil // make run's logs are make run's
	}
	return os.RemoveAll(s.Dir)
}

// build compiles the three services into Dir/bin. With the workspace (the
// default) one `go build` compiles all three, sharing their dependencies'
// compilation, which halves a cold build; with GOWORK=off each is built in
// its own module.
func (s *System) build(ctx context.Context) error {
	// go test puts its own GOROOT/bin first on the PATH of the tests it runs.
	goTool, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("e2e: find the go command to build the services with: %w", err)
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
// sessionTimeouts names each service's consumer session timeout keys.
var sessionTimeouts = map[string][]string{
	"order-service":      {"CONSUMERS_PAYMENT_RESPONSE_SESSION_TIMEOUT", "CONSUMERS_RESTAURANT_APPROVAL_RESPONSE_SESSION_TIMEOUT"},
	"payment-service":    {"CONSUMERS_PAYMENT_REQUEST_SESSION_TIMEOUT"},
	"restaurant-service": {"CONSUMERS_RESTAURANT_APPROVAL_REQUEST_SESSION_TIMEOUT"},
}

func (s *System) environment(service, httpAddress, adminAddress string) map[string]string {
	prefix := strings.ToUpper(strings.ReplaceAll(service, "-", "_"))
	pg := s.cfg.Postgres
	env := map[string]string{
		"HTTP_ADDRESS":      httpAddress,
		"ADMIN_ADDRESS":     adminAddress,
		"POSTGRES_HOST":     pg.Host,
		"POSTGRES_PORT":     strconv.Itoa(pg.Port),
		"POSTGRES_USER":     Role(service),
		"POSTGRES_PASSWORD": Role(service),
		// The service migrates as the role that owns its schema, and the
		// tests, the chaos and load runs use the development reference data.
		"POSTGRES_MIGRATION_USER":     MigrationRole(service),
		"POSTGRES_MIGRATION_PASSWORD": MigrationRole(service),
		"POSTGRES_SEED":               "true",
		"POSTGRES_DATABASE":           s.Database,
		"KAFKA_BROKERS":               strings.Join(s.cfg.Kafka.Brokers, ","),
		"OUTBOX_ARCHIVE":              strconv.FormatBool(s.cfg.Archive),
		"LOG_LEVEL":                   "info",
	}
	cleaners := []string{"OUTBOX_CLEANERS_ORDER_OUTBOX_INTERVAL"}
	switch service {
	case "order-service":
		env["TOPICS_PAYMENT_REQUEST"] = s.Topics["payment-request"]
		env["TOPICS_PAYMENT_RESPONSE"] = s.Topics["payment-response"]
		env["TOPICS_RESTAURANT_APPROVAL_REQUEST"] = s.Topics["restaurant-approval-request"]
		env["TOPICS_RESTAURANT_APPROVAL_RESPONSE"] = s.Topics["restaurant-approval-response"]
		env["CONSUMERS_PAYMENT_RESPONSE_GROUP_ID"] = s.groupID("order-service-payment-response", "payment-response")
		env["CONSUMERS_RESTAURANT_APPROVAL_RESPONSE_GROUP_ID"] = s.groupID("order-service-restaurant-approval-response",
			"restaurant-approval-response")
		cleaners = []string{"OUTBOX_CLEANERS_PAYMENT_OUTBOX_INTERVAL", "OUTBOX_CLEANERS_ORDER_APPROVAL_OUTBOX_INTERVAL"}
	case "payment-service":
		env["TOPICS_PAYMENT_REQUEST"] = s.Topics["payment-request"]
		env["TOPICS_PAYMENT_RESPONSE"] = s.Topics["payment-response"]
		env["CONSUMERS_PAYMENT_REQUEST_GROUP_ID"] = s.groupID("payment-service-payment-request", "payment-request")
	case "restaurant-service":
		env["TOPICS_RESTAURANT_APPROVAL_REQUEST"] = s.Topics["restaurant-approval-request"]
		env["TOPICS_RESTAURANT_APPROVAL_RESPONSE"] = s.Topics["restaurant-approval-response"]
		env["CONSUMERS_RESTAURANT_APPROVAL_REQUEST_GROUP_ID"] = s.groupID("restaurant-service-restaurant-approval-request",
			"restaurant-approval-request")
	}
	if s.cfg.ReplicationFactor > 0 {
		env["TOPICS_REPLICATION_FACTOR"] = strconv.Itoa(int(s.cfg.ReplicationFactor))
	}
	if s.cfg.Tracing != "" {
		env["TRACING_EXPORTER"] = s.cfg.Tracing
	}
	if s.cfg.Pprof {
		env["ADMIN_PPROF"] = "true"
	}
	if s.cfg.SessionTimeout > 0 {
		for _, key := range sessionTimeouts[service] {
			env[key] = s.cfg.SessionTimeout.String()
		}
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
	if os.Getenv("GOMAXPROCS") == "" {
		prefixed["GOMAXPROCS"] = strconv.Itoa(ServiceProcs())
	}
	return prefixed
}

// ServiceProcs is each service's GOMAXPROCS where the three services share
// the machine with PostgreSQL and the broker, as make run's and this
// package's do: half the cores, at least one (make run's script applies the
// same rule). With a P per core, a service at partial load spends CPU on
// threads that spin looking for work; on this repository's 2-core machine
// one P each cost the services about a tenth less CPU per saga at 20 and 100
// orders/s, and the most sagas a second the machine sustains did not change
// (infrastructure/tools/load/README.md has the figures). A GOMAXPROCS in the
// caller's environment wins.
func ServiceProcs() int { return max(1, runtime.NumCPU()/2) }

// groupID names a consumer group of topic (by its usual name) after the
// run, and remembers it for Backlog and deleteTopics.
func (s *System) groupID(base, topic string) string {
	id := base + "-e2e-" + s.runID
	s.groups = append(s.groups, consumerGroup{id: id, topic: topic})
	return id
}

// startProcess starts service's binary from its module directory with env
// added to the test's environment, its output going to its log file
// (appended to when again is true, created otherwise), and makes it the
// service's process. adminURL is the base URL of its admin listener, for
// waitReady.
func (s *System) startProcess(name, adminURL string, env map[string]string, again bool) (*process, error) {
	service := serviceOf(name)
	if err := os.MkdirAll(s.LogDir(), 0o755); err != nil {
		return nil, err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if again {
		flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	logFile, err := os.OpenFile(s.LogFile(name), flags, 0o644)
	if err != nil {
		return nil, err
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
		return nil, fmt.Errorf("e2e: start %s: %w", name, err)
	}
	p := &process{name: name, adminURL: adminURL, env: env, cmd: cmd, log: logFile, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		_ = p.log.Close()
		close(p.done)
	}()
	s.mu.Lock()
	s.processes[name] = p
	s.mu.Unlock()
	return p, nil
}

// waitReady waits until each of processes answers /readyz on its admin
// listener with 200, failing early when one exits.
func (s *System) waitReady(ctx context.Context, processes ...*process) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ReadyTimeout)
	defer cancel()
	waiting := processes
	for {
		var errs []error
		var still []*process
		for _, p := range waiting {
			if p.exited() {
				return fmt.Errorf("e2e: %s exited during start (%w); its log ends with:\n%s", p.name, p.exitErr(), tailString(s.LogFile(p.name), 50))
			}
			attempt, cancelAttempt := context.WithTimeout(ctx, 2*time.Second)
			err := s.Client.do(attempt, http.MethodGet, p.adminURL+"/readyz", nil, http.StatusOK, nil)
			cancelAttempt()
			if err != nil {
				errs = append(errs, err)
				still = append(still, p)
			}
		}
		if waiting = still; len(waiting) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			var tails strings.Builder
			for _, p := range waiting {
				fmt.Fprintf(&tails, "===== %s: last 50 lines of its log =====\n%s\n", p.name, tailString(s.LogFile(p.name), 50))
			}
			return fmt.Errorf("e2e: not ready within %s: %w\n%s", s.cfg.ReadyTimeout, errors.Join(errs...), tails.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (s *System) createDatabase(ctx context.Context) error {
	admin, err := s.adminDB(ctx)
	if err != nil {
		return err
	}
	defer postgres.Close(admin)
	if err := admin.WithContext(ctx).Exec("CREATE DATABASE " + postgres.QuoteIdent(s.Database)).Error; err != nil {
		return fmt.Errorf("e2e: create database %s: %w", s.Database, err)
	}
	cfg := s.PostgresConfig()
	cfg.MaxOpenConns = 10
	if s.DB, err = postgres.Open(ctx, cfg, zap.NewNop()); err != nil {
		return fmt.Errorf("e2e: %w", err)
	}
	// The services connect with roles of their own, as they do everywhere:
	// roles.sql creates their schemas, owned by their migration roles.
	roles, err := os.ReadFile(filepath.Join(s.cfg.RepoDir, "infrastructure", "deploy", "roles.sql"))
	if err != nil {
		return fmt.Errorf("e2e: %w", err)
	}
	if err := s.DB.WithContext(ctx).Exec(string(roles)).Error; err != nil {
		return fmt.Errorf("e2e: create the services' roles: %w", err)
	}
	return nil
}

// Role is the runtime role service connects with, as roles.sql creates it:
// its name is also its development password.
func Role(service string) string { return strings.ReplaceAll(service, "-", "_") }

// MigrationRole is the role that owns service's schema, which the service
// migrates with at start, as roles.sql creates it: its name is also its
// development password.
func MigrationRole(service string) string { return Role(service) + "_migrator" }

func (s *System) dropDatabase(ctx context.Context) error {
	admin, err := s.adminDB(ctx)
	if err != nil {
		return err
	}
	defer postgres.Close(admin)
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
		return nil, fmt.Errorf("e2e: %w (is PostgreSQL running? infrastructure/tools/local/postgres.sh start)", err)
	}
	return db, nil
}

// Backlog is where the records of the saga's topics stand at one moment.
type Backlog struct {
	// Records is how many records each topic has ever held (the sum of its
	// partitions' end offsets), by the topic's usual name
	// (payment-request), the dead-letter topics too (payment-request.dlq).
	// A topic that does not exist holds 0.
	Records map[string]int64
	// Unconsumed is, for each consumer group by the name of the topic it
	// reads, how many of the topic's records the group has not committed
	// as consumed yet.
	Unconsumed map[string]int64
}

// Drained reports whether every consumer group has committed every record
// of its topic: with at-least-once consumers, every record was handled.
func (b Backlog) Drained() bool {
	for _, n := range b.Unconsumed {
		if n != 0 {
			return false
		}
	}
	return true
}

// DeadLettered is how many records went to the dead-letter topics.
func (b Backlog) DeadLettered() int64 {
	var n int64
	for topic, records := range b.Records {
		if strings.HasSuffix(topic, kafka.DeadLetterSuffix) {
			n += records
		}
	}
	return n
}

// Backlog reads the end offsets of the system's topics and the offsets its
// consumer groups committed. Together with the outbox tables it tells
// whether anything is still on its way: nothing is when every outbox row is
// published and every group has consumed every record (Drained), and stays
// so. ctx is checked between the broker requests, each of which the
// client's network timeouts bound.
func (s *System) Backlog(ctx context.Context) (Backlog, error) {
	b := Backlog{Records: make(map[string]int64), Unconsumed: make(map[string]int64)}
	sc := s.saramaConfig()
	sc.Metadata.AllowAutoTopicCreation = false // a missing dead-letter topic stays missing
	client, err := sarama.NewClient(s.cfg.Kafka.Brokers, sc)
	if err != nil {
		return b, fmt.Errorf("e2e: kafka client: %w", err)
	}
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		_ = client.Close()
		return b, fmt.Errorf("e2e: kafka admin: %w", err)
	}
	defer admin.Close() // closes client too
	existing, err := admin.ListTopics()
	if err != nil {
		return b, fmt.Errorf("e2e: list topics: %w", err)
	}
	ends := make(map[string]map[int32]int64) // by usual name
	for usual, topic := range s.Topics {
		for _, t := range []struct{ usual, name string }{
			{usual, topic},
			{usual + kafka.DeadLetterSuffix, topic + kafka.DeadLetterSuffix},
		} {
			b.Records[t.usual] = 0
			detail, ok := existing[t.name]
			if !ok {
				continue
			}
			ends[t.usual] = make(map[int32]int64, detail.NumPartitions)
			for p := range detail.NumPartitions {
				end, err := client.GetOffset(t.name, p, sarama.OffsetNewest)
				if err != nil {
					return b, fmt.Errorf("e2e: end offset of %s/%d: %w", t.name, p, err)
				}
				ends[t.usual][p] = end
				b.Records[t.usual] += end
			}
		}
	}
	for _, g := range s.groups {
		if err := ctx.Err(); err != nil {
			return b, err
		}
		topic := s.Topics[g.topic]
		partitions := make([]int32, 0, len(ends[g.topic]))
		for p := range ends[g.topic] {
			partitions = append(partitions, p)
		}
		resp, err := admin.ListConsumerGroupOffsets(g.id, map[string][]int32{topic: partitions})
		if err != nil {
			return b, fmt.Errorf("e2e: offsets of group %s: %w", g.id, err)
		}
		b.Unconsumed[g.topic] = 0
		for p, end := range ends[g.topic] {
			committed := int64(0) // nothing committed yet: the group starts at the oldest record
			if block := resp.GetBlock(topic, p); block != nil {
				if !errors.Is(block.Err, sarama.ErrNoError) {
					return b, fmt.Errorf("e2e: offset of group %s on %s/%d: %w", g.id, g.topic, p, block.Err)
				}
				if block.Offset >= 0 {
					committed = block.Offset
				}
			}
			b.Unconsumed[g.topic] += end - committed
		}
	}
	return b, nil
}

// saramaConfig is the client configuration of the harness's own Kafka
// clients.
func (s *System) saramaConfig() *sarama.Config {
	sc := sarama.NewConfig()
	sc.ClientID = "fos-e2e"
	if s.cfg.Kafka.Version != "" {
		if v, err := sarama.ParseKafkaVersion(s.cfg.Kafka.Version); err == nil {
			sc.Version = v
		}
	}
	sc.Net.DialTimeout = 5 * time.Second
	return sc
}

// deleteTopics removes the run's topics, their dead-letter topics and the
// consumer groups, so that test runs do not pile up on the broker. Missing
// ones are fine.
func (s *System) deleteTopics() error {
	admin, err := kafka.NewClusterAdmin(s.cfg.Kafka)
	if err != nil {
		return fmt.Errorf("e2e: %w", err)
	}
	defer admin.Close()
	var errs []error
	if err := kafka.DeleteTopics(context.Background(), s.cfg.Kafka, slices.Collect(maps.Values(s.Topics))...); err != nil {
		errs = append(errs, fmt.Errorf("e2e: %w", err))
	}
	for _, group := range s.groups {
		if err := admin.DeleteConsumerGroup(group.id); err != nil && !errors.Is(err, sarama.ErrGroupIDNotFound) {
			errs = append(errs, fmt.Errorf("e2e: delete consumer group %s: %w", group.id, err))
		}
	}
	return errors.Join(errs...)
}

// process is one run of a service. err is written once, before done closes.
type process struct {
	name     string
	adminURL string            // the base URL of its admin listener
	env      map[string]string // the environment overrides it was started with
	cmd      *exec.Cmd
	log      *os.File
	done     chan struct{}
	err      error
	// killed is set by Kill once the process has exited.
	killed bool
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// exitErr is why p exited: its Wait error, or that it exited with status 0.
func (p *process) exitErr() error {
	if p.err != nil {
		return p.err
	}
	return errors.New("exit status 0")
}

// stop sends SIGTERM and waits up to timeout for a clean exit (status 0);
// after that the process is killed.
func (p *process) stop(timeout time.Duration) error {
	if p.exited() {
		return fmt.Errorf("e2e: %s had exited before it was stopped: %w", p.name, p.exitErr())
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
	// Every listener is held until all are chosen, so that none repeats.
	held := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("e2e: find a free port: %w", err)
		}
		held = append(held, l)
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
