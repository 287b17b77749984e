// Package load drives orders through a running system and measures what the
// saga costs: how long each saga takes from the POST to the order's final
// status, where that time goes hop by hop (from the outbox rows' own
// timestamps), how many sagas a second finish, and how much CPU each process
// spends per saga. It also checks the outcome: every saga ends, and every
// customer's credit is exact to the cent.
//
// make load runs it from cmd/load; the end-to-end tests run a short version.
package load

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// Config says what load to send.
type Config struct {
	// Rate is the orders sent per second, open loop: on schedule, whether or
	// not earlier sagas have ended. Used when Workers is zero.
	Rate float64
	// Workers, when positive, sends closed loop instead: this many clients,
	// each sending its next order once its last one has ended. It finds the
	// most the system sustains.
	Workers int
	// Duration is how long orders are sent.
	Duration time.Duration
	// Warmup is the start of the run left out of the steady-state figures
	// (finished per second, CPU per saga).
	Warmup time.Duration
	// RefundShare is the share of orders of the unavailable product, which
	// are paid, rejected by the restaurant and refunded (default 0.1).
	RefundShare float64
	// Customers is how many customers the orders are spread over (default
	// 50); each gets enough credit for every order the run may send it.
	Customers int
	// Settle bounds the wait, after the last order was sent, for every saga
	// to end (default 60s). A saga not ended by then is stuck.
	Settle time.Duration
	// PollInterval is how often the final statuses are read (default 5ms)
	// while few sagas are pending; the interval grows by 0.1 ms for each
	// pending saga (see pollCostPerSaga). The saga latencies end at the
	// final status's own time in the database, so the interval delays only
	// the "read by the poll" figure.
	PollInterval time.Duration
	// Progress, when set, is called about once a second while orders are
	// sent and while the run settles.
	Progress func(Progress)
	// ProfileDir, when set, receives a CPU profile of each service taken
	// over the steady window (at most 25 s of it), as <service>.pprof. The
	// system must serve them (e2e.SystemConfig.Pprof).
	ProfileDir string
}

func (c *Config) setDefaults() {
	if c.RefundShare == 0 {
		c.RefundShare = 0.1
	}
	if c.Customers <= 0 {
		c.Customers = 50
	}
	if c.Settle <= 0 {
		c.Settle = 60 * time.Second
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 5 * time.Millisecond
	}
}

// Validate reports a load that cannot be sent.
func (c Config) Validate() error {
	var errs []error
	if c.Workers <= 0 && c.Rate <= 0 {
		errs = append(errs, errors.New("load: give a rate (open loop) or workers (closed loop)"))
	}
	if c.Duration <= 0 {
		errs = append(errs, errors.New("load: the duration must be positive"))
	}
	if c.Warmup < 0 || c.Warmup >= c.Duration {
		errs = append(errs, errors.New("load: the warm-up must be shorter than the duration"))
	}
	if c.RefundShare < 0 || c.RefundShare > 1 {
		errs = append(errs, errors.New("load: the refund share is between 0 and 1"))
	}
	return errors.Join(errs...)
}

// Progress is where a run stands.
type Progress struct {
	Elapsed   time.Duration
	Sent      int
	Finished  int
	InFlight  int
	Failed    int
	Sending   bool
	LastP50Ms float64
}

// saga is one order of the run.
type saga struct {
	customer kernel.CustomerID
	price    kernel.Money
	refund   bool
	sent     time.Time
	posted   time.Time
	tracking kernel.TrackingID
	// final is when the order took its final status: the time of the
	// statement that wrote it (orders.updated_at); seen is when the status
	// poll read it.
	final  time.Time
	seen   time.Time
	status kernel.OrderStatus
	err    error
	done   chan struct{}
}

// Run sends the load to the system and returns the report. The error is
// reserved for a run that could not be carried out; a run whose outcome is
// wrong (stuck sagas, inexact credits) returns a report whose Problems say
// so.
func Run(ctx context.Context, s *e2e.System, cfg Config) (*Report, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := &runner{sys: s, cfg: cfg, pending: map[kernel.TrackingID]*saga{}}
	if err := r.prepare(ctx); err != nil {
		return nil, err
	}
	floor, err := measureFloor(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("load: measure the floor: %w", err)
	}

	if r.trackDB, err = openTrackingDB(ctx, s); err != nil {
		return nil, err
	}
	defer postgres.Close(r.trackDB)
	trackCtx, stopTracking := context.WithCancel(ctx)
	tracked := make(chan struct{})
	go func() { defer close(tracked); r.track(trackCtx) }()
	defer func() { stopTracking(); <-tracked }()

	cpu, err := newCPUSampler(s)
	if err != nil {
		return nil, err
	}
	cpu.generatorBackends = r.trackingBackends
	r.start = time.Now()
	steadyFrom := r.start.Add(cfg.Warmup)
	steadyTo := r.start.Add(cfg.Duration)
	var before, after cpuSample
	var pgBefore, pgAfter pgSample
	steadyStarted := make(chan error, 1)
	go func() {
		if !sleepUntil(ctx, steadyFrom) {
			steadyStarted <- nil
			return
		}
		before = cpu.sample()
		var err error
		pgBefore, err = samplePostgres(ctx, s)
		if err == nil && cfg.ProfileDir != "" {
			err = profileServices(ctx, s, cfg.ProfileDir, steadyTo.Sub(steadyFrom))
		}
		steadyStarted <- err
	}()
	progressDone := r.reportProgress(ctx)
	r.send(ctx)
	after = cpu.sample()
	pgAfter, pgErr := samplePostgres(ctx, s)
	r.sending.Store(false)
	if err := errors.Join(<-steadyStarted, pgErr); err != nil {
		close(progressDone)
		return nil, err
	}
	if before.at.IsZero() {
		before, pgBefore = after, pgAfter // the run was cancelled before its steady window
	}

	r.settle(ctx)
	close(progressDone)
	stopTracking()
	<-tracked

	report := r.report(steadyFrom, steadyTo, floor)
	report.Durability = durability(ctx, s)
	report.CPUMsPerSaga = cpu.perSaga(before, after, report.steadyFinished)
	report.Postgres = postgresWork(pgBefore, pgAfter, report.steadyFinished, 12)
	if err := r.check(ctx, report); err != nil {
		return report, err
	}
	if err := r.hops(ctx, report); err != nil {
		return report, err
	}
	return report, nil
}

type runner struct {
	sys       *e2e.System
	trackDB   *gorm.DB
	cfg       Config
	customers []kernel.CustomerID
	initial   kernel.Money
	start     time.Time
	sending   atomic.Bool

	mu      sync.Mutex
	sagas   []*saga
	pending map[kernel.TrackingID]*saga
}

// Prices of the two kinds of order: one line of the available product (the
// saga succeeds), or of the unavailable one (paid, rejected, refunded).
var (
	approvedPrice = e2e.AvailableProductPrice
	refundPrice   = e2e.UnavailableProductPrice
)

// prepare creates the run's customers, each with credit for every order it
// could be sent (the most the rate or the workers can send, twice over).
func (r *runner) prepare(ctx context.Context) error {
	most := r.cfg.Rate * r.cfg.Duration.Seconds()
	if r.cfg.Workers > 0 {
		most = float64(r.cfg.Workers) * r.cfg.Duration.Seconds() * 1000 // at most one order a millisecond each
	}
	perCustomer := int(most/float64(r.cfg.Customers))*2 + 10
	r.initial = approvedPrice.Multiply(perCustomer)
	r.customers = make([]kernel.CustomerID, r.cfg.Customers)
	for i := range r.customers {
		id, err := r.sys.CreateCustomer(ctx, r.initial)
		if err != nil {
			return err
		}
		r.customers[i] = id
	}
	return nil
}

// send posts orders until the duration is over: on a fixed schedule (open
// loop) or from the workers (closed loop). It returns once every POST has
// answered.
func (r *runner) send(ctx context.Context) {
	r.sending.Store(true)
	ctx, cancel := context.WithDeadline(ctx, r.start.Add(r.cfg.Duration))
	defer cancel()
	var wg sync.WaitGroup
	if r.cfg.Workers > 0 {
		for w := range r.cfg.Workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; ctx.Err() == nil; n++ {
					// The end of the window must not cut off a POST in
					// flight: the order may exist, and a run that cannot
					// tell would count its credit wrong.
					sg := r.post(context.WithoutCancel(ctx), w*1_000_003+n)
					if sg.err != nil {
						continue
					}
					select {
					case <-sg.done:
					case <-ctx.Done():
					}
				}
			}()
		}
		wg.Wait()
		return
	}
	interval := time.Duration(float64(time.Second) / r.cfg.Rate)
	next := r.start
	for n := 0; ; n++ {
		if !sleepUntil(ctx, next) {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.post(context.WithoutCancel(ctx), n)
		}()
		next = next.Add(interval)
	}
	wg.Wait()
}

// post sends the n-th order and registers it for tracking.
func (r *runner) post(ctx context.Context, n int) *saga {
	rng := rand.New(rand.NewPCG(uint64(n), 0x5eed))
	sg := &saga{customer: r.customers[n%len(r.customers)], done: make(chan struct{})}
	line := e2e.Line{Product: e2e.AvailableProductID, Quantity: 1, Price: approvedPrice}
	if rng.Float64() < r.cfg.RefundShare {
		sg.refund = true
		line = e2e.Line{Product: e2e.UnavailableProductID, Quantity: 1, Price: refundPrice}
	}
	sg.price = line.Price
	sg.sent = time.Now()
	created, err := r.sys.Client.CreateOrder(ctx, e2e.NewOrderRequest(sg.customer, e2e.SampleRestaurantID, e2e.SampleAddress, line))
	sg.posted = time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sagas = append(r.sagas, sg)
	if err != nil {
		sg.err = err
		close(sg.done)
		return sg
	}
	sg.tracking = created.OrderTrackingID
	r.pending[sg.tracking] = sg
	return sg
}

// track reads the final statuses of the pending orders every poll interval
// until ctx ends. A saga's end is the moment its final status was read, so
// its latency is exact to about one interval.
func (r *runner) track(ctx context.Context) {
	var ids []string
	for {
		if !sleepUntil(ctx, time.Now().Add(r.pollInterval(len(ids)))) {
			return
		}
		r.mu.Lock()
		ids = make([]string, 0, len(r.pending))
		for id := range r.pending {
			ids = append(ids, id.String())
		}
		r.mu.Unlock()
		if len(ids) == 0 {
			continue
		}
		var rows []struct {
			TrackingID  uuid.UUID
			OrderStatus string
			UpdatedAt   time.Time
		}
		// One array parameter (gorm would spread a slice into one
		// parameter per id), so that the statement is prepared once.
		err := r.trackDB.WithContext(ctx).Raw(`SELECT tracking_id, order_status, updated_at FROM "order".orders
			WHERE tracking_id = ANY(?::uuid[]) AND order_status IN ('APPROVED', 'CANCELLED')`,
			"{"+strings.Join(ids, ",")+"}").Scan(&rows).Error
		if err != nil {
			continue // the next tick reads again
		}
		now := time.Now()
		r.mu.Lock()
		for _, row := range rows {
			id := kernel.IDFromUUID[kernel.TrackingID](row.TrackingID)
			if sg, ok := r.pending[id]; ok {
				sg.final, sg.seen, sg.status = row.UpdatedAt, now, kernel.OrderStatus(row.OrderStatus)
				delete(r.pending, id)
				close(sg.done)
			}
		}
		r.mu.Unlock()
	}
}

// pollCostPerSaga is how much the status poll's interval grows for each
// pending saga. A poll costs an index lookup per pending saga; polling every
// 5 ms whatever their number made a backlog feed itself (a thousand pending
// sagas cost 200,000 lookups a second, on the cores the sagas needed). With
// the interval growing with the backlog, the poll does at most 10,000
// lookups a second, and a saga's end is still read to within 1% of its
// latency at 100 sagas a second (by Little's law, the pending sagas are the
// rate times the latency).
const pollCostPerSaga = 100 * time.Microsecond

// pollInterval is the wait before the next status poll, when the last one
// asked about pending sagas.
func (r *runner) pollInterval(pending int) time.Duration {
	return max(r.cfg.PollInterval, time.Duration(pending)*pollCostPerSaga)
}

// settle waits until no saga is pending, or the settle time is over.
func (r *runner) settle(ctx context.Context) {
	deadline := time.Now().Add(r.cfg.Settle)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		r.mu.Lock()
		left := len(r.pending)
		r.mu.Unlock()
		if left == 0 {
			return
		}
		sleepUntil(ctx, time.Now().Add(20*time.Millisecond))
	}
}

// reportProgress calls cfg.Progress once a second until the returned channel
// is closed.
func (r *runner) reportProgress(ctx context.Context) chan struct{} {
	done := make(chan struct{})
	if r.cfg.Progress == nil {
		return done
	}
	go func() {
		ticker := time.NewTicker(time.Second)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
			r.cfg.Progress(r.progress())
		}
	}()
	return done
}

func (r *runner) progress() Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := Progress{Elapsed: time.Since(r.start), Sent: len(r.sagas), InFlight: len(r.pending), Sending: r.sending.Load()}
	var recent []time.Duration
	cutoff := time.Now().Add(-time.Second)
	for _, sg := range r.sagas {
		switch {
		case sg.err != nil:
			p.Failed++
		case !sg.final.IsZero():
			p.Finished++
			if sg.final.After(cutoff) {
				recent = append(recent, sg.final.Sub(sg.sent))
			}
		}
	}
	p.LastP50Ms = ms(percentile(recent, 50))
	return p
}

// durability says whether PostgreSQL runs with fsync and synchronous commit
// ("durable") or without ("fast"), for the report.
func durability(ctx context.Context, s *e2e.System) string {
	var fsync, syncCommit string
	db := s.DB.WithContext(ctx)
	if db.Raw("SHOW fsync").Scan(&fsync).Error != nil || db.Raw("SHOW synchronous_commit").Scan(&syncCommit).Error != nil {
		return "unknown"
	}
	if fsync == "on" && syncCommit == "on" {
		return "durable (fsync and synchronous_commit on)"
	}
	return fmt.Sprintf("fast (fsync %s, synchronous_commit %s): figures not for publishing", fsync, syncCommit)
}

// sleepUntil waits until t or until ctx ends; it reports whether t came.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	i := int(float64(len(sorted)-1) * p / 100)
	return sorted[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// openTrackingDB opens the status poll's own small pool. Its connections
// plan every poll for the ids it is given: a plan made once for any array
// (which PostgreSQL switches to after five polls) scans the whole orders
// table, 2 ms a poll and more than the saga's own statements, where the
// poll's own plan is a lookup of the unique index per id.
// trackingApplication names the status poll's connections, so that their
// backends' CPU is charged to the generator.
const trackingApplication = "fos load generator"

func openTrackingDB(ctx context.Context, s *e2e.System) (*gorm.DB, error) {
	cfg := s.PostgresConfig()
	cfg.MaxOpenConns = 2
	cfg.RuntimeParams = map[string]string{"plan_cache_mode": "force_custom_plan", "application_name": trackingApplication}
	db, err := postgres.Open(ctx, cfg, zap.NewNop())
	if err != nil {
		return nil, fmt.Errorf("load: open the status poll's pool: %w", err)
	}
	return db, nil
}

// trackingBackends returns the process ids of the status poll's backends
// (none when they cannot be read).
func (r *runner) trackingBackends() map[int]bool {
	var pids []int
	err := r.trackDB.Raw(`SELECT pid FROM pg_stat_activity WHERE application_name = ? AND datname = current_database()`,
		trackingApplication).Scan(&pids).Error
	if err != nil {
		return nil
	}
	out := make(map[int]bool, len(pids))
	for _, pid := range pids {
		out[pid] = true
	}
	return out
}
