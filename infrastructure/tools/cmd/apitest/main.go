// Command apitest starts the three services on a database and topics of
// their own and runs schemathesis against each one's OpenAPI documents, the
// public API's and the admin listener's (api/admin.yaml): every
// documented operation with generated requests, valid and invalid, every
// answer checked (no 5xx, a documented status, content type, headers and
// body as the document says, bad input refused, good input accepted). It
// stops the services and exits non-zero when any check failed. make api-test
// installs schemathesis and runs it.
//
//	go run ./cmd/apitest -schemathesis ../../.venv/bin/schemathesis -max-examples 50 -max-time 30s
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// config is schemathesis' settings; each run gets a copy (writeConfig)
// with the ids it created in place of ${FOS_APITEST_...}.
//
//go:embed schemathesis.toml
var config string

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "apitest:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	schemathesis string
	config       string
	maxExamples  int
	maxTime      time.Duration
	seed         int64
}

func run() error {
	var opts options
	flag.StringVar(&opts.schemathesis, "schemathesis", "", "the schemathesis executable (default: .venv/bin/schemathesis at the repository root)")
	flag.IntVar(&opts.maxExamples, "max-examples", 50, "generated requests per operation and phase, at most")
	flag.DurationVar(&opts.maxTime, "max-time", 30*time.Second, "time budget of each service's run")
	flag.Int64Var(&opts.seed, "seed", 0, "schemathesis' random seed, for a run to repeat (random when 0)")
	flag.Parse()
	if opts.maxExamples < 1 || opts.maxTime < time.Second {
		return errors.New("-max-examples must be at least 1 and -max-time at least 1s")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sysCfg, err := e2e.LocalConfig()
	if err != nil {
		return err
	}
	sysCfg.Logf = func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	if opts.schemathesis, err = e2e.LocateTool(sysCfg.RepoDir, opts.schemathesis, ".venv/bin/schemathesis", "make api-test"); err != nil {
		return err
	}

	start := time.Now()
	startCtx, cancelStart := context.WithTimeout(ctx, 5*time.Minute)
	defer cancelStart()
	sys, err := e2e.StartSystem(startCtx, sysCfg)
	if err != nil {
		return fmt.Errorf("start the services: %w", err)
	}
	var failed []string
	if opts.config, err = writeConfig(ctx, sys); err != nil {
		failed = append(failed, fmt.Sprintf("placing the order the tests read: %v", err))
	} else {
		failed = testAll(ctx, sys, sysCfg.RepoDir, opts)
	}

	var runErr error
	if len(failed) > 0 {
		runErr = fmt.Errorf("failed: %s", strings.Join(failed, "; "))
	}
	err = sys.Finish(runErr)
	fmt.Printf("apitest: %s in all\n", time.Since(start).Round(time.Second))
	return err
}

// writeConfig creates a customer and places the walkthrough's sample order
// for it, waits until the restaurant approved it, and writes schemathesis'
// settings into the system's directory with the two ids filled in: a share
// of the generated ids are these, so that the 200 answers of the read
// endpoints are checked too, not only their 404. It returns the file's path.
func writeConfig(ctx context.Context, sys *e2e.System) (string, error) {
	customer, err := sys.CreateCustomer(ctx, kernel.MustParseMoney("500.00"))
	if err != nil {
		return "", err
	}
	created, err := sys.Client.CreateOrder(ctx, e2e.SampleOrder(customer))
	if err != nil {
		return "", err
	}
	order, err := sys.Client.WaitForStatus(ctx, created.OrderTrackingID, 30*time.Second, kernel.OrderStatusApproved)
	if err != nil {
		return "", err
	}
	ids := map[string]string{"FOS_APITEST_CUSTOMER_ID": customer.String(), "FOS_APITEST_ORDER_ID": order.OrderID.String()}
	path := filepath.Join(sys.Dir, "schemathesis.toml")
	return path, os.WriteFile(path, []byte(os.Expand(config, func(key string) string { return ids[key] })), 0o644)
}

// testAll runs schemathesis against each service in turn, its API on the
// public port and its operator endpoints on the admin port, and returns what
// failed. The admin listener does not serve its document, so it is read from
// the service's api/admin.yaml in repo.
func testAll(ctx context.Context, sys *e2e.System, repo string, opts options) []string {
	urls := map[string]string{
		"order-service":      sys.Client.OrderURL,
		"payment-service":    sys.Client.PaymentURL,
		"restaurant-service": sys.Client.RestaurantURL,
	}
	var failed []string
	for _, service := range e2e.Services {
		for _, target := range []struct{ name, schema, url string }{
			{service, urls[service] + "/openapi.yaml", urls[service]},
			{service + " admin", filepath.Join(repo, service, "api", "admin.yaml"), sys.Client.AdminURL(service)},
		} {
			start := time.Now()
			err := schemathesis(ctx, opts, target.schema, target.url, sys.Dir)
			fmt.Printf("apitest: %s: %s\n", target.name, verdict(err, time.Since(start)))
			if err != nil {
				failed = append(failed, target.name)
			}
			if ctx.Err() != nil {
				return failed
			}
		}
	}
	return failed
}

// schemathesis runs every check of the document at schema (a URL or a file)
// against the service at url, with the settings of opts.config, its output
// going to ours. The document's own server address is replaced by url. It
// runs in dir, the system's directory, where the files Hypothesis leaves go
// away with the system.
func schemathesis(ctx context.Context, opts options, schema, url, dir string) error {
	args := []string{"--config-file", opts.config, "run", schema, "--url", url,
		"--checks", "all",
		"--max-examples", strconv.Itoa(opts.maxExamples),
		"--max-time", strconv.Itoa(int(opts.maxTime.Seconds())),
	}
	if strings.HasPrefix(schema, "http") {
		args = append(args, "--wait-for-schema", "10")
	}
	if opts.seed != 0 {
		args = append(args, "--seed", strconv.FormatInt(opts.seed, 10))
	}
	fmt.Printf("apitest: %s %s\n", opts.schemathesis, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, opts.schemathesis, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	// A terminal's width and colours would only clutter a log.
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "COLUMNS=120")
	return cmd.Run()
}

func verdict(err error, took time.Duration) string {
	if err != nil {
		return fmt.Sprintf("FAILED (%v) in %s", err, took.Round(time.Second))
	}
	return fmt.Sprintf("ok in %s", took.Round(time.Second))
}
