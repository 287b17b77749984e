// Package chaos proves the saga's guarantees under the faults an operator
// meets. Each scenario runs the real services under a steady stream of orders
// on all three paths (approved, refunded, refused for credit), strikes a
// fault, and once the stream has ended waits for the system to recover on its
// own. Then it checks: every order accepted with 201 ended APPROVED or
// CANCELLED, none is missing, and no customer was charged twice or refunded
// twice (each credit is its initial amount less its APPROVED orders).
//
// make chaos runs it from cmd/chaos.
package chaos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/e2e"
	"github.com/food-ordering-system/infrastructure/retry"
)

// Config says how hard and how long each scenario pushes.
type Config struct {
	// Rate is the orders sent per second while a scenario runs (default 8).
	Rate float64
	// Duration is how long orders are sent per scenario (default 20s).
	Duration time.Duration
	// FaultAt is when, into the stream, the fault strikes (default 3s).
	FaultAt time.Duration
	// Down is how long a stopped component stays down (default 3s).
	Down time.Duration
	// Recover bounds the wait, after the stream, for every accepted order to
	// end and every outbox row to be published (default 90s).
	Recover time.Duration
	// LocalDir is infrastructure/local, whose scripts stop and start the
	// broker and PostgreSQL.
	LocalDir string
	// Logf reports progress (nothing when nil).
	Logf func(format string, args ...any)
}

func (c *Config) setDefaults() {
	if c.Rate <= 0 {
		c.Rate = 8
	}
	if c.Duration <= 0 {
		c.Duration = 20 * time.Second
	}
	if c.FaultAt <= 0 {
		c.FaultAt = 3 * time.Second
	}
	if c.Down <= 0 {
		c.Down = 3 * time.Second
	}
	if c.Recover <= 0 {
		c.Recover = 90 * time.Second
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
}

// Scenario is one fault. Strike runs while orders stream; Check, when set,
// looks for what the fault itself must have left behind (a parked record).
type Scenario struct {
	Name   string
	Strike func(ctx context.Context, r *Run) error
	Check  func(ctx context.Context, r *Run) error
}

// Result is one row of the table.
type Result struct {
	Scenario      string
	Accepted      int
	Approved      int
	Cancelled     int
	Stuck         int
	Lost          int
	DoubleCharged int
	// Recovered is the time from the end of the fault and of the stream to
	// the moment every accepted order had ended and no outbox row waited.
	Recovered time.Duration
	Err       error
}

// OK reports whether the guarantees held.
func (r Result) OK() bool {
	return r.Err == nil && r.Stuck == 0 && r.Lost == 0 && r.DoubleCharged == 0 && r.Accepted > 0
}

// Run is one scenario under way: the system and what the stream sent.
type Run struct {
	Sys *e2e.System
	Cfg Config

	customers map[string]customer  // by role: approved, refunded, refused
	inserted  map[string]uuid.UUID // rows a scenario put in the outboxes, by table
	mu        sync.Mutex
	accepted  []kernel.TrackingID
	faultEnd  time.Time
	streamEnd time.Time
}

type customer struct {
	id      kernel.CustomerID
	initial kernel.Money
}

// RunAll runs the scenarios one after the other on s and returns a result
// each; a scenario that could not be carried out has its Err set.
func RunAll(ctx context.Context, s *e2e.System, cfg Config, scenarios []Scenario) []Result {
	cfg.setDefaults()
	results := make([]Result, 0, len(scenarios))
	for _, sc := range scenarios {
		cfg.Logf("chaos: %s", sc.Name)
		res := runOne(ctx, s, cfg, sc)
		cfg.Logf("chaos: %s: accepted %d, approved %d, cancelled %d, stuck %d, lost %d, double-charged %d, recovered in %s, error %v",
			sc.Name, res.Accepted, res.Approved, res.Cancelled, res.Stuck, res.Lost, res.DoubleCharged, res.Recovered.Round(time.Millisecond), res.Err)
		results = append(results, res)
	}
	return results
}

func runOne(ctx context.Context, s *e2e.System, cfg Config, sc Scenario) Result {
	res := Result{Scenario: sc.Name}
	r := &Run{Sys: s, Cfg: cfg, customers: map[string]customer{}, inserted: map[string]uuid.UUID{}}
	for role, credit := range map[string]string{"approved": "100000.00", "refunded": "100000.00", "refused": "100.00"} {
		id, err := s.CreateCustomer(ctx, kernel.MustParseMoney(credit))
		if err != nil {
			res.Err = err
			return res
		}
		r.customers[role] = customer{id: id, initial: kernel.MustParseMoney(credit)}
	}

	streamCtx, stop := context.WithTimeout(ctx, cfg.Duration)
	defer stop()
	var strikeErr error
	struck := make(chan struct{})
	go func() {
		defer close(struck)
		if !retry.Sleep(streamCtx, cfg.FaultAt, nil) {
			strikeErr = errors.New("the stream ended before the fault")
			return
		}
		strikeErr = sc.Strike(ctx, r)
		r.mu.Lock()
		r.faultEnd = time.Now()
		r.mu.Unlock()
	}()
	r.stream(streamCtx)
	<-struck
	r.mu.Lock()
	r.streamEnd = time.Now()
	r.mu.Unlock()
	if strikeErr != nil {
		res.Err = fmt.Errorf("fault: %w", strikeErr)
	}

	recovered, err := r.awaitRecovery(ctx)
	res.Recovered = recovered
	if err != nil && res.Err == nil {
		res.Err = err
	}
	if sc.Check != nil && res.Err == nil {
		res.Err = sc.Check(ctx, r)
	}
	if err := r.tally(ctx, &res); err != nil && res.Err == nil {
		res.Err = err
	}
	return res
}

// stream posts orders at the configured rate until ctx ends, rotating the
// three paths. A POST that fails (order-service down) is not accepted; one
// answered 201 must end.
func (r *Run) stream(ctx context.Context) {
	interval := time.Duration(float64(time.Second) / r.Cfg.Rate)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	var wg sync.WaitGroup
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			wg.Wait()
			return
		case <-ticker.C:
		}
		req := r.order(n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			postCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			created, err := r.Sys.Client.CreateOrder(postCtx, req)
			if err != nil {
				return
			}
			r.mu.Lock()
			r.accepted = append(r.accepted, created.OrderTrackingID)
			r.mu.Unlock()
		}()
	}
}

// order is the n-th order of the stream: approved, refunded (the restaurant
// refuses an unavailable product after the payment) or refused for credit.
func (r *Run) order(n int) e2e.OrderRequest {
	switch n % 3 {
	case 0:
		return e2e.SampleOrder(r.customers["approved"].id)
	case 1:
		return e2e.UnavailableProductOrder(r.customers["refunded"].id, 1+rand.IntN(3))
	default:
		return e2e.SampleOrder(r.customers["refused"].id)
	}
}

// awaitRecovery waits until every accepted order has ended and no outbox row
// waits, and returns how long that took after both the fault and the stream
// had ended.
func (r *Run) awaitRecovery(ctx context.Context) (time.Duration, error) {
	deadline := time.Now().Add(r.Cfg.Recover)
	for {
		open, waiting, err := r.pending(ctx)
		if err == nil && open == 0 && waiting == 0 {
			r.mu.Lock()
			defer r.mu.Unlock()
			if r.streamEnd.After(r.faultEnd) {
				return time.Since(r.streamEnd), nil
			}
			return time.Since(r.faultEnd), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("not recovered after %s: %d accepted orders open, %d outbox rows waiting (last error %v)",
				r.Cfg.Recover, open, waiting, err)
		}
		if !retry.Sleep(ctx, 250*time.Millisecond, nil) {
			return 0, ctx.Err()
		}
	}
}

func (r *Run) pending(ctx context.Context) (open, waiting int64, err error) {
	ids := r.acceptedIDs()
	db := r.Sys.DB.WithContext(ctx)
	if len(ids) > 0 {
		if err := db.Raw(`SELECT count(*) FROM "order".orders WHERE tracking_id IN ? AND order_status NOT IN ('APPROVED', 'CANCELLED')`,
			ids).Scan(&open).Error; err != nil {
			return 0, 0, err
		}
	}
	err = db.Raw(`SELECT (SELECT count(*) FROM "order".payment_outbox WHERE outbox_status = 'STARTED')
		+ (SELECT count(*) FROM "order".order_approval_outbox WHERE outbox_status = 'STARTED')
		+ (SELECT count(*) FROM payment.order_outbox WHERE outbox_status = 'STARTED')
		+ (SELECT count(*) FROM restaurant.order_outbox WHERE outbox_status = 'STARTED')`).Scan(&waiting).Error
	return open, waiting, err
}

// tally counts the outcome and checks the money: a customer's credit must be
// its initial amount less the price of its APPROVED orders, to the cent, and
// its history must add up to it. Every order of the customer counts, also one
// whose 201 a fault cut off.
func (r *Run) tally(ctx context.Context, res *Result) error {
	ids := r.acceptedIDs()
	res.Accepted = len(ids)
	db := r.Sys.DB.WithContext(ctx)
	var rows []struct {
		TrackingID  uuid.UUID
		OrderStatus string
	}
	if len(ids) > 0 {
		if err := db.Raw(`SELECT tracking_id, order_status FROM "order".orders WHERE tracking_id IN ?`, ids).Scan(&rows).Error; err != nil {
			return err
		}
	}
	res.Lost = len(ids) - len(rows)
	for _, row := range rows {
		switch kernel.OrderStatus(row.OrderStatus) {
		case kernel.OrderStatusApproved:
			res.Approved++
		case kernel.OrderStatusCancelled:
			res.Cancelled++
		default:
			res.Stuck++
		}
	}
	for role, c := range r.customers {
		var approved kernel.Money
		var sum struct{ Total *string }
		if err := db.Raw(`SELECT sum(price)::text AS total FROM "order".orders WHERE customer_id = ? AND order_status = 'APPROVED'`,
			c.id.UUID()).Scan(&sum).Error; err != nil {
			return err
		}
		if sum.Total != nil {
			approved = kernel.MustParseMoney(*sum.Total)
		}
		credit, err := r.Sys.Client.CustomerCredit(ctx, c.id)
		if err != nil {
			return fmt.Errorf("credit of the %s customer: %w", role, err)
		}
		if want := c.initial.Subtract(approved); !credit.TotalCreditAmount.Equal(want) ||
			!credit.HistoryBalance().Equal(credit.TotalCreditAmount) {
			res.DoubleCharged++
			r.Cfg.Logf("chaos: the %s customer has %s (history %s), expected %s", role, credit.TotalCreditAmount,
				credit.HistoryBalance(), want)
		}
	}
	return nil
}

func (r *Run) acceptedIDs() []uuid.UUID {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]uuid.UUID, len(r.accepted))
	for i, id := range r.accepted {
		ids[i] = id.UUID()
	}
	return ids
}

// script runs one of infrastructure/local's scripts (kafka.sh stop, ...).
func (r *Run) script(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, "bash", append([]string{r.Cfg.LocalDir + "/" + name}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// PrintTable writes the results as the table make chaos prints.
func PrintTable(w io.Writer, results []Result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tACCEPTED\tAPPROVED\tCANCELLED\tSTUCK\tLOST\tDOUBLE-CHARGED\tRECOVERED IN\tRESULT")
	for _, r := range results {
		verdict := "ok"
		if !r.OK() {
			verdict = "FAILED"
			if r.Err != nil {
				verdict += ": " + r.Err.Error()
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", r.Scenario, r.Accepted, r.Approved, r.Cancelled, r.Stuck,
			r.Lost, r.DoubleCharged, r.Recovered.Round(100*time.Millisecond), verdict)
	}
	_ = tw.Flush()
}
