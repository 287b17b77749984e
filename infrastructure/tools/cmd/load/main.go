// Command load starts the three services on a database and topics of their
// own, sends orders through them and prints where the time and the CPU go
// (see package load). make load runs it against PostgreSQL in durable mode.
// With -attach it measures the services `make run` runs instead, on the
// development database, with make run's own processes in the CPU figures.
//
//	go run ./cmd/load -rate 100 -duration 60s
//	go run ./cmd/load -workers 64 -duration 60s
//	go run ./cmd/load -attach -rate 100 -duration 60s
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/food-ordering-system/infrastructure/tools/e2e"
	"github.com/food-ordering-system/infrastructure/tools/load"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run() (err error) {
	var cfg load.Config
	var out string
	var attach bool
	flag.Float64Var(&cfg.Rate, "rate", 100, "orders per second, open loop (ignored with -workers)")
	flag.IntVar(&cfg.Workers, "workers", 0, "closed loop: clients that each send the next order when the last one ended")
	flag.DurationVar(&cfg.Duration, "duration", 60*time.Second, "how long orders are sent")
	flag.DurationVar(&cfg.Warmup, "warmup", 10*time.Second, "start of the run left out of throughput and CPU figures")
	flag.Float64Var(&cfg.RefundShare, "refund-share", 0.1, "share of orders on the refund path")
	flag.IntVar(&cfg.Customers, "customers", 50, "customers the orders are spread over")
	flag.DurationVar(&cfg.Settle, "settle", 60*time.Second, "how long to wait for the last sagas to end")
	flag.StringVar(&out, "out", "", "write the report as JSON to this file too")
	flag.StringVar(&cfg.ProfileDir, "profile", "", "write a CPU profile of each service over the steady window to this directory")
	flag.BoolVar(&attach, "attach", false, "measure the services make run runs (its development database and topics; "+
		"the run's customers and orders stay there) instead of starting a system of its own")
	flag.Parse()
	if err := cfg.Validate(); err != nil {
		return err
	}
	if attach && cfg.ProfileDir != "" {
		return errors.New("-profile needs services that load starts itself (make run serves no profiles): drop -attach or -profile")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sysCfg, err := e2e.LocalConfig()
	if err != nil {
		return err
	}
	sysCfg.Archive = true // the hop breakdown reads the published rows
	sysCfg.Pprof = cfg.ProfileDir != ""
	sysCfg.Logf = func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	startCtx, cancelStart := context.WithTimeout(ctx, 5*time.Minute)
	defer cancelStart()
	var sys *e2e.System
	if attach {
		sys, err = e2e.AttachRun(startCtx, sysCfg)
	} else {
		sys, err = e2e.StartSystem(startCtx, sysCfg)
	}
	if err != nil {
		return fmt.Errorf("the system to load: %w", err)
	}
	defer func() { err = sys.Finish(err) }()

	cfg.Progress = func(p load.Progress) {
		phase := "sending"
		if !p.Sending {
			phase = "settling"
		}
		fmt.Printf("%5.0fs %-8s sent %6d  finished %6d  in flight %5d  failed %d  p50 (last second) %.0f ms\n",
			p.Elapsed.Seconds(), phase, p.Sent, p.Finished, p.InFlight, p.Failed, p.LastP50Ms)
	}
	report, err := load.Run(ctx, sys, cfg)
	if report != nil {
		report.Print(os.Stdout)
		if out != "" {
			if werr := writeJSON(out, report); werr != nil {
				return werr
			}
			fmt.Println("report written to", out)
		}
	}
	if err != nil {
		return err
	}
	if !report.OK() {
		return errors.New("the run's outcome is wrong (see PROBLEM above)")
	}
	return nil
}

func writeJSON(path string, report *load.Report) error {
	b, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
