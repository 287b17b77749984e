// Command postman starts the three services on a database and topics of
// their own and runs the repository's Postman collection against them with
// newman: every request's assertions (statuses, Location, orderStatus,
// Idempotent-Replayed, the final statuses and balances of the walkthrough's
// three paths). Its customers are created for the run, so the balances the
// collection checks are its own. It stops the services and exits non-zero
// when an assertion or a request failed, or when the run asserted nothing.
// make postman installs newman and runs it.
//
//	go run ./cmd/postman -newman ../../.newman/node_modules/.bin/newman
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// collection is the collection's path from the repository root.
const collection = "order-service/api/food-ordering-system.postman_collection.json"

// minAssertions is fewer than the collection makes on a run; a run that
// makes fewer did not run the collection's tests.
const minAssertions = 40

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "postman:", err)
		os.Exit(1)
	}
}

func run() error {
	newman := flag.String("newman", "", "the newman executable (default: .newman/node_modules/.bin/newman at the repository root)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sysCfg, err := e2e.LocalConfig()
	if err != nil {
		return err
	}
	sysCfg.Logf = func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	if *newman, err = e2e.LocateTool(sysCfg.RepoDir, *newman, ".newman/node_modules/.bin/newman", "make postman"); err != nil {
		return err
	}

	start := time.Now()
	startCtx, cancelStart := context.WithTimeout(ctx, 10*time.Minute)
	defer cancelStart()
	sys, err := e2e.StartSystem(startCtx, sysCfg)
	if err != nil {
		return fmt.Errorf("start the services: %w", err)
	}
	runErr := runCollection(ctx, sys, *newman, filepath.Join(sysCfg.RepoDir, collection))

	err = sys.Finish(runErr)
	fmt.Printf("postman: %s in all\n", time.Since(start).Round(time.Second))
	return err
}

// runCollection creates the collection's two customers, runs newman with
// the system's addresses and checks its JSON report.
func runCollection(ctx context.Context, sys *e2e.System, newman, path string) error {
	// 500.00 pays the approved order (200.00) and the rejected one (25.00,
	// refunded); 100.00 does not pay 200.00.
	customer, err := sys.CreateCustomer(ctx, kernel.MustParseMoney("500.00"))
	if err != nil {
		return err
	}
	lowCredit, err := sys.CreateCustomer(ctx, kernel.MustParseMoney("100.00"))
	if err != nil {
		return err
	}
	report := filepath.Join(sys.Dir, "newman.json")
	args := []string{"run", path,
		"--env-var", "orderService=" + sys.Client.OrderURL,
		"--env-var", "paymentService=" + sys.Client.PaymentURL,
		"--env-var", "restaurantService=" + sys.Client.RestaurantURL,
		"--env-var", "customerId=" + customer.String(),
		"--env-var", "lowCreditCustomerId=" + lowCredit.String(),
		"--timeout-request", "10000",
		"--reporters", "cli,json", "--reporter-json-export", report,
		"--color", "off",
	}
	fmt.Printf("postman: %s %v\n", newman, args)
	cmd := exec.CommandContext(ctx, newman, args...)
	cmd.Dir = sys.Dir
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	runErr := cmd.Run()

	stats, err := readStats(report)
	if err != nil {
		return errors.Join(runErr, err)
	}
	fmt.Printf("postman: %d requests (%d failed), %d assertions (%d failed)\n",
		stats.Requests.Total, stats.Requests.Failed, stats.Assertions.Total, stats.Assertions.Failed)
	switch {
	case runErr != nil:
		return fmt.Errorf("newman: %w", runErr)
	case stats.Assertions.Failed > 0 || stats.Requests.Failed > 0 || stats.TestScripts.Failed > 0:
		return fmt.Errorf("%d assertions, %d requests and %d scripts failed",
			stats.Assertions.Failed, stats.Requests.Failed, stats.TestScripts.Failed)
	case stats.Assertions.Total < minAssertions:
		return fmt.Errorf("only %d assertions ran; the collection makes at least %d", stats.Assertions.Total, minAssertions)
	}
	return nil
}

// count is one line of newman's run statistics.
type count struct {
	Total  int `json:"total"`
	Failed int `json:"failed"`
}

// stats are the run statistics of newman's JSON report.
type stats struct {
	Requests    count `json:"requests"`
	TestScripts count `json:"testScripts"`
	Assertions  count `json:"assertions"`
}

func readStats(path string) (stats, error) {
	var report struct {
		Run struct {
			Stats stats `json:"stats"`
		} `json:"run"`
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return stats{}, fmt.Errorf("newman's report: %w", err)
	}
	if err := json.Unmarshal(b, &report); err != nil {
		return stats{}, fmt.Errorf("newman's report %s: %w", path, err)
	}
	return report.Run.Stats, nil
}
