// Command chaos runs the saga's guarantees through the faults of package
// chaos on the real services, broker and database, and prints a table:
// scenario, orders accepted (and how many of them only a replay of their
// unanswered POST found), approved, cancelled, ended off their path (and
// why), stuck, lost, ledger disagreements, parked rows, dead letters, failed
// sagas, withdrawn requests sent, time to recover. It exits 1 if any scenario
// broke a guarantee. It stops and starts the local broker and PostgreSQL:
// run it alone (make chaos). The scenarios that need the three-broker
// cluster run on it (kafka.sh cluster, started when it does not run), on
// services of their own.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/food-ordering-system/infrastructure/tools/chaos"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
}

func run() error {
	var cfg chaos.Config
	var only, skip string
	flag.Float64Var(&cfg.Rate, "rate", 8, "orders per second during each scenario")
	flag.DurationVar(&cfg.Duration, "duration", 20*time.Second, "how long orders stream per scenario")
	flag.DurationVar(&cfg.Down, "down", 3*time.Second, "how long a stopped component stays down")
	flag.DurationVar(&cfg.Outage, "outage", 30*time.Second, "how long the broker stays down in the outage longer than the saga deadlines")
	flag.DurationVar(&cfg.Stall, "stall", 10*time.Second, "how long each service stays stopped (SIGSTOP) when a deadline fires in flight")
	flag.DurationVar(&cfg.Recover, "recover", 90*time.Second, "bound on the recovery after each stream")
	flag.StringVar(&only, "only", "", "run only the scenarios whose name contains this (comma-separated)")
	flag.StringVar(&skip, "skip", "", "leave out the scenarios whose name contains this (comma-separated)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sysCfg, err := e2e.LocalConfig()
	if err != nil {
		return err
	}
	cfg.LocalDir = filepath.Join(sysCfg.RepoDir, "infrastructure", "tools", "local")
	cfg.Logf = func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	sysCfg.SessionTimeout = 6 * time.Second // the broker's minimum: a killed service's partitions move sooner
	sysCfg.Archive = true
	sysCfg.Logf = cfg.Logf

	var onBroker, onCluster []chaos.Scenario
	for _, sc := range chaos.Scenarios() {
		switch {
		case only != "" && !matches(sc.Name, only), skip != "" && matches(sc.Name, skip):
		case sc.OnCluster():
			onCluster = append(onCluster, sc)
		default:
			onBroker = append(onBroker, sc)
		}
	}
	var results []chaos.Result
	if len(onBroker) > 0 {
		res, err := runOnBroker(ctx, sysCfg, cfg, onBroker)
		if err != nil {
			return err
		}
		results = append(results, res...)
	}
	if len(onCluster) > 0 {
		res, err := chaos.RunOnCluster(ctx, sysCfg, cfg, onCluster)
		if err != nil {
			fmt.Fprintln(os.Stderr, "chaos:", err)
			for _, sc := range onCluster[len(res):] {
				res = append(res, chaos.Result{Scenario: sc.Name, Err: err})
			}
		}
		results = append(results, res...)
	}
	fmt.Println()
	chaos.PrintTable(os.Stdout, results)
	for _, r := range results {
		if !r.OK() {
			return errors.New("a scenario broke a guarantee (see the table)")
		}
	}
	return nil
}

// runOnBroker runs scenarios on services that use the single local broker.
func runOnBroker(ctx context.Context, sysCfg e2e.SystemConfig, cfg chaos.Config, scenarios []chaos.Scenario) ([]chaos.Result, error) {
	startCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	sys, err := e2e.StartSystem(startCtx, sysCfg)
	if err != nil {
		return nil, fmt.Errorf("start the services: %w", err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := sys.Stop(stopCtx); err != nil {
			fmt.Fprintln(os.Stderr, "chaos: stop the services:", err)
		}
		fmt.Println("service logs:", sys.LogDir())
	}()
	return chaos.RunAll(ctx, sys, cfg, scenarios), nil
}

func matches(name, only string) bool {
	for _, part := range strings.Split(only, ",") {
		if part != "" && strings.Contains(name, part) {
			return true
		}
	}
	return false
}
