// Package chaos proves the saga's guarantees under the faults an operator
// meets. Each scenario runs the real services under a steady stream of orders
// on all three paths (approved, refunded, refused for credit), strikes a
// fault, and once the stream has ended waits for the system to recover on its
// own. Then it reads what the databases and topics say (Facts) and judges
// (Judge): every order ended on its path unless the fault excuses it, each
// order's own debits and credits and the restaurant's answer agree with its
// status, nothing is stuck or missing, and nothing was parked, failed or
// sent that should not have been. A POST that got no answer is sent again
// with the same Idempotency-Key, so that its order is judged too.
//
// make chaos runs it from cmd/chaos.
package chaos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/retry"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
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
	// Outage is how long the broker stays down in the scenario of an
	// outage longer than the saga deadlines (default 30s); it must outlast
	// them.
	Outage time.Duration
	// Stall is how long a service stays stopped (SIGSTOP) in the scenario of
	// a deadline that fires while the answer is in flight (default 10s); it
	// must outlast the deadlines.
	Stall time.Duration
	// Recover bounds the wait, after the stream, for every accepted order to
	// end and every outbox row to be published (default 90s).
	Recover time.Duration
	// LocalDir is infrastructure/tools/local, whose scripts stop and start the
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
	if c.Outage <= 0 {
		c.Outage = 30 * time.Second
	}
	if c.Stall <= 0 {
		c.Stall = 10 * time.Second
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
	// Env is added to the services' environment for the scenario (whole
	// names: ORDER_SERVICE_SAGA_REPLY_TIMEOUT); the services it names are
	// restarted with it before the stream and restored after.
	Env map[string]string
	// Excuses are the failure messages that make a cancellation off an
	// order's path legitimate under this fault; with none, every order must
	// end on its path.
	Excuses []string
	// ThroughFault keeps the stream going until the fault is over, however
	// long the fault lasts, so that orders arrive during all of it.
	ThroughFault bool
}

// Result is one row of the table.
type Result struct {
	Scenario string
	Verdict
	// Recovered is the time from the end of the fault and of the stream to
	// the moment every accepted order had ended and no outbox row waited.
	Recovered time.Duration
	// Err is a scenario that could not be carried out, or a system that did
	// not recover.
	Err error
}

// OK reports whether the guarantees held.
func (r Result) OK() bool { return r.Err == nil && r.Verdict.OK() }

// Run is one scenario under way: the system and what the stream sent.
type Run struct {
	Sys *e2e.System
	Cfg Config

	customers map[Path]customer
	inserted  map[string]uuid.UUID // rows a scenario put in the outboxes, by table
	start     time.Time
	mu        sync.Mutex
	orders    []*sentOrder
	planted   map[string]bool // keys of the records a scenario sent to be dead-lettered
	faultEnd  time.Time
	streamEnd time.Time
}

type customer struct {
	id      kernel.CustomerID
	initial kernel.Money
}

// sentOrder is one POST of the stream and what became of it.
type sentOrder struct {
	key        string
	req        e2e.OrderRequest
	path       Path
	placement  Placement
	trackingID kernel.TrackingID
	// rejected: answered 4xx, though every order of the stream is valid.
	rejected bool
}

// RunAll runs the scenarios one after the other on s and returns a result
// each; a scenario that could not be carried out has its Err set. The
// services run with each scenario's Env, and with none after the last.
func RunAll(ctx context.Context, s *e2e.System, cfg Config, scenarios []Scenario) []Result {
	cfg.setDefaults()
	results := make([]Result, 0, len(scenarios))
	applied := map[string]string{}
	for _, sc := range scenarios {
		cfg.Logf("chaos: %s", sc.Name)
		var res Result
		if err := reconfigure(ctx, s, cfg, applied, sc.Env); err != nil {
			res = Result{Scenario: sc.Name, Err: err}
		} else {
			res = runOne(ctx, s, cfg, sc)
		}
		cfg.Logf("chaos: %s: accepted %d (%d unanswered, %d created by replay), approved %d, cancelled %d, off path %d (%d excused: %s), "+
			"stuck %d, lost %d, ledger %d, parked %d, dead letters %d (%d planted), sagas failed %d, withdrawn sent %d, unsent %d, recovered in %s, error %v, problems %v",
			sc.Name, res.Accepted, res.Unanswered, res.CreatedByReplay, res.Approved, res.Cancelled, res.OffPath, res.Excused, countsOf(res.Why),
			res.Stuck, res.Lost, res.Ledger, res.Parked, res.DeadLetters, res.Planted, res.FailedSagas, res.WithdrawnSent, res.Unsent,
			res.Recovered.Round(time.Millisecond), res.Err, res.Problems)
		results = append(results, res)
	}
	if err := reconfigure(ctx, s, cfg, applied, nil); err != nil {
		cfg.Logf("chaos: restore the services' settings: %v", err)
	}
	return results
}

// reconfigure restarts each service whose overrides in applied differ from
// want with want's, and records them in applied.
func reconfigure(ctx context.Context, s *e2e.System, cfg Config, applied, want map[string]string) error {
	for _, service := range e2e.Services {
		changes := envChanges(e2e.EnvPrefix(service), applied, want)
		if len(changes) == 0 {
			continue
		}
		cfg.Logf("chaos: restarting %s with %v", service, changes)
		if _, err := s.Reconfigure(ctx, service, changes); err != nil {
			return fmt.Errorf("restart %s with %v: %w", service, changes, err)
		}
		for k, v := range changes {
			if v == "" {
				delete(applied, k)
			} else {
				applied[k] = v
			}
		}
	}
	return nil
}

// envChanges are the changes, among the keys with prefix, that take a
// service from the overrides applied to those wanted: a new or changed key
// with its value, a key no longer wanted with "" (removed).
func envChanges(prefix string, applied, want map[string]string) map[string]string {
	changes := map[string]string{}
	for k, v := range want {
		if strings.HasPrefix(k, prefix) && applied[k] != v {
			changes[k] = v
		}
	}
	for k := range applied {
		if _, ok := want[k]; !ok && strings.HasPrefix(k, prefix) {
			changes[k] = ""
		}
	}
	return changes
}

func runOne(ctx context.Context, s *e2e.System, cfg Config, sc Scenario) Result {
	res := Result{Scenario: sc.Name}
	r := &Run{Sys: s, Cfg: cfg, customers: map[Path]customer{}, inserted: map[string]uuid.UUID{}, planted: map[string]bool{},
		start: time.Now()}
	for path, credit := range map[Path]string{PathApproved: "100000.00", PathRefunded: "100000.00", PathRefused: "100.00"} {
		id, err := s.CreateCustomer(ctx, kernel.MustParseMoney(credit))
		if err != nil {
			res.Err = err
			return res
		}
		r.customers[path] = customer{id: id, initial: kernel.MustParseMoney(credit)}
	}

	streamCtx, stop := context.WithCancel(ctx)
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
	go func() {
		// The stream lasts Duration, or with ThroughFault until a little
		// after the fault too.
		retry.Sleep(streamCtx, cfg.Duration, nil)
		if sc.ThroughFault {
			select {
			case <-struck:
				retry.Sleep(streamCtx, 2*time.Second, nil)
			case <-streamCtx.Done():
			}
		}
		stop()
	}()
	r.stream(streamCtx)
	<-struck
	r.mu.Lock()
	r.streamEnd = time.Now()
	r.mu.Unlock()
	if strikeErr != nil {
		res.Err = fmt.Errorf("fault: %w", strikeErr)
	}

	r.replayUnanswered(ctx)
	recovered, err := r.awaitRecovery(ctx)
	res.Recovered = recovered
	if err != nil && res.Err == nil {
		res.Err = err
	}
	if sc.Check != nil && res.Err == nil {
		res.Err = sc.Check(ctx, r)
	}
	facts, err := r.collect(ctx)
	if err != nil && res.Err == nil {
		res.Err = fmt.Errorf("read the facts: %w", err)
	}
	res.Verdict = Judge(facts, Expectations{Excuses: sc.Excuses, Planted: r.isPlanted})
	return res
}

// stream posts orders at the configured rate until ctx ends, rotating the
// three paths, each with an Idempotency-Key of its own. A POST answered 201
// is placed; one that got no answer (a timeout, a connection refused or
// reset, a 5xx) is sent again after the stream by replayUnanswered.
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
		o := r.order(n)
		r.mu.Lock()
		r.orders = append(r.orders, o)
		r.mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			postCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			created, _, err := r.Sys.Client.CreateOrderWithKey(postCtx, o.req, o.key)
			r.mu.Lock()
			defer r.mu.Unlock()
			switch {
			case err == nil:
				o.placement, o.trackingID = Answered, created.OrderTrackingID
			case refused(err):
				o.rejected = true
			default:
				o.placement = Unplaced
			}
		}()
	}
}

// refused reports whether err is an answer that refuses the request for
// good (4xx), rather than none or one that says to try again.
func refused(err error) bool {
	var apiErr *e2e.APIError
	return errors.As(err, &apiErr) && apiErr.Status >= 400 && apiErr.Status < 500 &&
		apiErr.Status != http.StatusRequestTimeout && apiErr.Status != http.StatusTooManyRequests
}

// replayUnanswered sends every POST that got no answer again with its
// Idempotency-Key, as a client would, until it is answered (for up to a
// minute): the answer is the first order when it was committed
// (Idempotent-Replayed), or a new one when it never was.
func (r *Run) replayUnanswered(ctx context.Context) {
	r.mu.Lock()
	var unanswered []*sentOrder
	for _, o := range r.orders {
		if o.placement == Unplaced && !o.rejected {
			unanswered = append(unanswered, o)
		}
	}
	r.mu.Unlock()
	if len(unanswered) > 0 {
		r.Cfg.Logf("chaos: replaying %d POSTs that got no answer", len(unanswered))
	}
	deadline := time.Now().Add(time.Minute)
	for _, o := range unanswered {
		for {
			postCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
			created, replayed, err := r.Sys.Client.CreateOrderWithKey(postCtx, o.req, o.key)
			cancel()
			if err == nil {
				r.mu.Lock()
				o.trackingID, o.placement = created.OrderTrackingID, CreatedByReplay
				if replayed {
					o.placement = Replayed
				}
				r.mu.Unlock()
				break
			}
			if refused(err) {
				r.mu.Lock()
				o.rejected = true
				r.mu.Unlock()
				break
			}
			if time.Now().After(deadline) || !retry.Sleep(ctx, 500*time.Millisecond, nil) {
				break
			}
		}
	}
}

// order is the n-th order of the stream: approved, refunded (the restaurant
// refuses an unavailable product after the payment) or refused for credit.
func (r *Run) order(n int) *sentOrder {
	o := &sentOrder{key: "chaos-" + uuid.NewString(), placement: Unplaced}
	switch n % 3 {
	case 0:
		o.path, o.req = PathApproved, e2e.SampleOrder(r.customers[PathApproved].id)
	case 1:
		o.path, o.req = PathRefunded, e2e.UnavailableProductOrder(r.customers[PathRefunded].id, 1+rand.IntN(3))
	default:
		o.path, o.req = PathRefused, e2e.SampleOrder(r.customers[PathRefused].id)
	}
	return o
}

// awaitRecovery waits until nothing of the scenario is on its way any more
// (quiet) and returns how long that took after both the fault and the
// stream had ended.
func (r *Run) awaitRecovery(ctx context.Context) (time.Duration, error) {
	deadline := time.Now().Add(r.Cfg.Recover)
	for {
		err := r.quiet(ctx)
		if err == nil {
			r.mu.Lock()
			end := r.faultEnd
			if r.streamEnd.After(end) {
				end = r.streamEnd
			}
			r.mu.Unlock()
			return time.Since(end), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("not recovered after %s: %w", r.Cfg.Recover, err)
		}
		if !retry.Sleep(ctx, 500*time.Millisecond, nil) {
			return 0, ctx.Err()
		}
	}
}

// quiet reports, as an error, what is still on its way: an order not ended,
// a record its consumer group has not handled, an outbox row not published.
// The facts may be read once there is none: every group had consumed every
// record (offsets are committed after the handling, so no handler was left
// to write), then no row was waiting (no relay was left to publish), and the
// topics still held the same records (none was published in between). A
// late message the saga sends after an order ended (a cancellation to the
// restaurant) is therefore handled before the restaurant is read.
func (r *Run) quiet(ctx context.Context) error {
	before, err := r.Sys.Backlog(ctx)
	if err != nil {
		return err
	}
	if !before.Drained() {
		return fmt.Errorf("records not consumed yet, by topic: %v", before.Unconsumed)
	}
	open, waiting, err := r.pending(ctx)
	if err != nil {
		return err
	}
	if open > 0 || waiting > 0 {
		return fmt.Errorf("%d accepted orders open, %d outbox rows waiting", open, waiting)
	}
	after, err := r.Sys.Backlog(ctx)
	if err != nil {
		return err
	}
	if !after.Drained() || !maps.Equal(before.Records, after.Records) {
		return fmt.Errorf("records still moving: %v, then %v", before.Records, after.Records)
	}
	return nil
}

func (r *Run) pending(ctx context.Context) (open, waiting int64, err error) {
	ids := r.placedIDs()
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

// placedIDs are the tracking ids of the orders the stream knows exist.
func (r *Run) placedIDs() []uuid.UUID {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []uuid.UUID
	for _, o := range r.orders {
		if !o.trackingID.IsZero() {
			ids = append(ids, o.trackingID.UUID())
		}
	}
	return ids
}

// plant records the key of a record the scenario sends to be dead-lettered.
func (r *Run) plant(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.planted[key] = true
}

func (r *Run) isPlanted(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.planted[key]
}

// script runs one of infrastructure/tools/local's scripts (kafka.sh stop, ...).
func (r *Run) script(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, "bash", append([]string{r.Cfg.LocalDir + "/" + name}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// PrintTable writes the results as the table make chaos prints, then, for
// each scenario that failed, what broke.
func PrintTable(w io.Writer, results []Result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tACCEPTED\tUNANSWERED\tAPPROVED\tCANCELLED\tOFF PATH\tSTUCK\tLOST\tLEDGER\tPARKED\tDEAD LETTERS\t"+
		"SAGAS FAILED\tWITHDRAWN SENT\tRECOVERED IN\tRESULT\tWHY OFF PATH")
	for _, r := range results {
		verdict := "ok"
		if !r.OK() {
			verdict = "FAILED"
		}
		offPath := fmt.Sprint(r.OffPath)
		if r.Excused > 0 {
			offPath = fmt.Sprintf("%d (%d excused)", r.OffPath, r.Excused)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d (%d new)\t%d\t%d\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\n", r.Scenario, r.Accepted,
			r.Unanswered, r.CreatedByReplay, r.Approved, r.Cancelled, offPath, r.Stuck, r.Lost, r.Ledger, r.Parked, r.DeadLetters,
			r.FailedSagas, r.WithdrawnSent, r.Recovered.Round(100*time.Millisecond), verdict, countsOf(r.Why))
	}
	_ = tw.Flush()
	for _, r := range results {
		if r.OK() {
			continue
		}
		var why []string
		if r.Err != nil {
			why = append(why, r.Err.Error())
		}
		why = append(why, r.Problems...)
		fmt.Fprintf(w, "\n%s FAILED:\n  %s\n", r.Scenario, strings.Join(why, "\n  "))
	}
}
