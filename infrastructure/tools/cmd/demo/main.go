// Command demo walks the three orders of the saga walkthrough through the
// running services (`make run`) and shows each one move through the saga
// live, state by state with timestamps. Then it runs the walkthrough's final
// checks against the three services and prints them, with each order's
// end-to-end saga time.
//
// It exits 0 when every order ended as the walkthrough says, 1 when one did
// not, and 2 when the services do not answer. It compares the credit before
// and after each order, so it can be run again; when the sample customer's
// credit runs out, `make reset` restores the seed data.
//
// Usage, from infrastructure/:
//
//	go run ./cmd/demo [-order-url http://127.0.0.1:8181] [-payment-url ...] [-restaurant-url ...] [-wait 5s]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// options are the demo's flags.
type options struct {
	wait     time.Duration
	timeout  time.Duration
	interval time.Duration
}

func main() {
	orderURL := flag.String("order-url", "http://127.0.0.1:8181", "base URL of order-service")
	paymentURL := flag.String("payment-url", "http://127.0.0.1:8182", "base URL of payment-service")
	restaurantURL := flag.String("restaurant-url", "http://127.0.0.1:8183", "base URL of restaurant-service")
	orderAdminURL := flag.String("order-admin-url", "http://127.0.0.1:9181", "base URL of order-service's admin listener")
	paymentAdminURL := flag.String("payment-admin-url", "http://127.0.0.1:9182", "base URL of payment-service's admin listener")
	restaurantAdminURL := flag.String("restaurant-admin-url", "http://127.0.0.1:9183", "base URL of restaurant-service's admin listener")
	var opts options
	flag.DurationVar(&opts.wait, "wait", 5*time.Second, "how long to wait for the services' admin listeners to answer /readyz")
	flag.DurationVar(&opts.timeout, "timeout", 30*time.Second, "how long one order may take to end its saga")
	flag.DurationVar(&opts.interval, "interval", e2e.DefaultPollInterval, "pause between two reads of an order")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	client := e2e.NewClient(*orderURL, *paymentURL, *restaurantURL)
	client.OrderAdminURL, client.PaymentAdminURL, client.RestaurantAdminURL = *orderAdminURL, *paymentAdminURL, *restaurantAdminURL
	client.PollInterval = opts.interval
	status := run(ctx, client, opts, os.Stdout)
	stop()
	os.Exit(status)
}

// run plays the walkthrough and returns the exit status.
func run(ctx context.Context, client *e2e.Client, opts options, out io.Writer) int {
	fmt.Fprintln(out, "food-ordering-system demo: the walkthrough's three orders through the saga, live")
	fmt.Fprintf(out, "  order-service       %s\n  payment-service     %s\n  restaurant-service  %s\n\n",
		client.OrderURL, client.PaymentURL, client.RestaurantURL)
	if err := client.WaitReady(ctx, opts.wait); err != nil {
		fmt.Fprintf(out, "The services do not answer: %v\nStart them with `make run` (`make demo` does when they are not running).\n", err)
		return 2
	}

	paths := walkthrough()
	if msg := precondition(ctx, client, paths); msg != "" {
		fmt.Fprintln(out, msg)
		return 1
	}

	outcomes := make([]outcome, len(paths))
	verdicts := make([]bool, len(paths))
	for i, p := range paths {
		outcomes[i], verdicts[i] = play(ctx, client, opts, out, i+1, p)
		fmt.Fprintln(out)
	}

	fmt.Fprintln(out, "Summary")
	failed := 0
	for i, o := range outcomes {
		status := "ok"
		if !verdicts[i] {
			status = "NOT AS THE WALKTHROUGH SAYS"
			failed++
		}
		fmt.Fprintf(out, "  order %d  %-44s %-10s saga %s  %s\n", i+1, arrows(o.path.want), o.order.OrderStatus, seconds(o.sagaTime()), status)
	}
	if failed > 0 {
		fmt.Fprintf(out, "\n%d of %d orders did not end as the walkthrough says; see the checks marked FAIL above.\n", failed, len(paths))
		return 1
	}
	fmt.Fprintln(out, "\nAll three orders ended as the walkthrough says.")
	return 0
}

// precondition reads the customers' credit and explains, when the walkthrough
// cannot show what it should, why and what to do.
func precondition(ctx context.Context, client *e2e.Client, paths []path) string {
	spend := e2e.SampleOrder(e2e.SampleCustomerID).Price.Add(e2e.UnavailableProductOrder(e2e.SampleCustomerID, 2).Price)
	sample, err := client.CustomerCredit(ctx, e2e.SampleCustomerID)
	if err != nil {
		return "Cannot read the sample customer's credit: " + err.Error()
	}
	if sample.TotalCreditAmount.LessThan(spend) {
		return fmt.Sprintf("Customer %s has %s of credit left; orders 1 and 3 need %s (earlier runs of the demo spent the rest).\n"+
			"`make reset` restores the seed data (credit 500.00), then `make run` and `make demo` again.",
			short(e2e.SampleCustomerID), sample.TotalCreditAmount, spend)
	}
	low, err := client.CustomerCredit(ctx, e2e.LowCreditCustomerID)
	if err != nil {
		return "Cannot read customer " + short(e2e.LowCreditCustomerID) + "'s credit: " + err.Error()
	}
	if price := paths[1].order.Price; !low.TotalCreditAmount.LessThan(price) {
		return fmt.Sprintf("Customer %s has %s of credit, enough for the %s order that should fail for lack of credit.\n"+
			"`make reset` restores the seed data (credit 100.00).", short(e2e.LowCreditCustomerID), low.TotalCreditAmount, price)
	}
	return ""
}

// play sends one order, prints every status change as it is observed, then
// runs and prints the final checks. It reports whether all passed.
func play(ctx context.Context, client *e2e.Client, opts options, out io.Writer, n int, p path) (outcome, bool) {
	o := outcome{path: p}
	fmt.Fprintf(out, "Order %d: %s; %s in total\n", n, p.title, p.order.Price)
	fmt.Fprintf(out, "  expected: %s\n", arrows(p.want))
	fail := func(what string, err error) (outcome, bool) {
		fmt.Fprintf(out, "  FAIL  %s: %v\n", what, err)
		return o, false
	}

	var err error
	if o.before, err = client.CustomerCredit(ctx, p.customer); err != nil {
		return fail("read the credit before", err)
	}
	o.sent = time.Now()
	created, err := client.CreateOrder(ctx, p.order)
	if err != nil {
		return fail("POST /orders", err)
	}
	fmt.Fprintf(out, "  %s  order %d  POST /orders → 201 %s, tracking id %s\n", clock(o.sent), n, created.OrderStatus, created.OrderTrackingID)
	o.order, err = client.Follow(ctx, created.OrderTrackingID, opts.timeout, func(obs e2e.Observation) {
		o.observed = append(o.observed, obs)
		fmt.Fprintf(out, "  %s  order %d  %s\n", clock(obs.At), n, obs.Order.OrderStatus)
	})
	if err != nil {
		return fail("follow the order", err)
	}
	fmt.Fprintf(out, "  saga time: %s from POST /orders to %s\n", seconds(o.sagaTime()), o.order.OrderStatus)

	if o.after, err = client.CustomerCredit(ctx, p.customer); err != nil {
		return fail("read the credit after", err)
	}
	o.approval, o.approvalErr = client.OrderApproval(ctx, o.order.OrderID)
	o.timeline, o.timelineErr = client.OrderTimeline(ctx, o.order.OrderTrackingID)

	checks := append([]check{statusCheck(o, opts.interval)}, p.checks(o)...)
	checks = append(checks, timelineCheck(o))

	fmt.Fprintln(out, "  final checks:")
	ok := true
	for _, c := range checks {
		mark := "ok  "
		if !c.ok {
			mark, ok = "FAIL", false
		}
		fmt.Fprintf(out, "    %s  %-19s %s\n", mark, c.service, c.text)
	}
	printTimeline(out, o.timeline)
	return o, ok
}

// printTimeline shows the saga step by step as order-service recorded it,
// each step with its time and its distance from the order's creation.
func printTimeline(out io.Writer, timeline e2e.Timeline) {
	if len(timeline.Steps) == 0 {
		return
	}
	fmt.Fprintln(out, "  saga timeline (GET /orders/{trackingId}/timeline):")
	start := timeline.Steps[0].At
	for _, s := range timeline.Steps {
		fmt.Fprintf(out, "    %s  +%s  %-18s  %s\n", clock(s.At.Local()), seconds(s.At.Sub(start)), s.Step, s.Detail)
	}
}

// clock is the time of day with milliseconds, as the demo prints it.
func clock(t time.Time) string { return t.Format("15:04:05.000") }
