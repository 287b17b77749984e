package load

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/retry"
)

// Latency is a distribution in milliseconds.
type Latency struct {
	P50 float64 `json:"p50_ms"`
	P90 float64 `json:"p90_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
	N   int     `json:"n"`
}

func latencyOf(ds []time.Duration) Latency {
	l := Latency{N: len(ds), P50: ms(percentile(ds, 50)), P90: ms(percentile(ds, 90)), P99: ms(percentile(ds, 99))}
	for _, d := range ds {
		l.Max = max(l.Max, ms(d))
	}
	return l
}

// Hop is one leg of the approved saga, timed from the rows' own timestamps.
type Hop struct {
	Name    string  `json:"name"`
	Latency Latency `json:"latency"`
}

// Floor is what the machine itself costs for the legs of a saga: a Kafka
// produce-to-consume round trip (acks from all in-sync replicas) and a
// PostgreSQL commit, each measured alone in the same run.
type Floor struct {
	KafkaRoundTripMs float64 `json:"kafka_round_trip_p50_ms"`
	CommitMs         float64 `json:"postgres_commit_p50_ms"`
	// SagaMs is the floor of one approved saga: four messages cross the
	// broker and five transactions commit (create, payment, paid, approval,
	// approved).
	SagaMs float64 `json:"saga_floor_ms"`
}

// Report is the outcome of a run.
type Report struct {
	Mode        string  `json:"mode"`
	Rate        float64 `json:"rate,omitempty"`
	Workers     int     `json:"workers,omitempty"`
	DurationS   float64 `json:"duration_s"`
	WarmupS     float64 `json:"warmup_s"`
	RefundShare float64 `json:"refund_share"`
	Durability  string  `json:"postgres_durability"`

	Sent      int `json:"sent"`
	Approved  int `json:"approved"`
	Cancelled int `json:"cancelled"`
	Failed    int `json:"failed_posts"`
	Stuck     int `json:"stuck"`

	// FinishedPerSecond counts the sagas that ended within the steady
	// window (after the warm-up, until sending stopped), per second.
	FinishedPerSecond float64 `json:"finished_per_second"`
	Saga              Latency `json:"saga"`
	// SagaSteady is the saga latency of the orders sent within the steady
	// window: the run without its warm-up (the services' first connections,
	// the broker's first requests).
	SagaSteady Latency `json:"saga_steady"`
	// SagaSeen is the whole run's saga latency up to the moment the status
	// poll read the final status, where the others end when it was written:
	// what a client polling as often would see.
	SagaSeen     Latency `json:"saga_seen"`
	SagaApproved Latency `json:"saga_approved"`
	Post         Latency `json:"post"`
	Hops         []Hop   `json:"hops"`
	// HopSagas is how many approved sagas the hops were timed from: those
	// whose outbox rows were still there (all of them with archiving on).
	HopSagas int `json:"hop_sagas"`
	// CPUMsPerSaga is each process's CPU time over the steady window divided
	// by the sagas that ended in it.
	CPUMsPerSaga map[string]float64 `json:"cpu_ms_per_saga"`
	// Postgres is the database's share of the steady window, per saga.
	Postgres *PostgresWork `json:"postgres,omitempty"`
	Floor    Floor         `json:"floor"`
	// SagaOverFloor is the approved saga's p50 as a multiple of its floor.
	SagaOverFloor float64 `json:"saga_p50_over_floor"`

	Problems []string `json:"problems"`

	steadyFinished int
	approvedIDs    []uuid.UUID
	finalOf        map[uuid.UUID]time.Time
	sentOf         map[uuid.UUID]time.Time
}

// OK reports whether the run's outcome was right: every saga ended and the
// checks found nothing.
func (rep *Report) OK() bool { return len(rep.Problems) == 0 }

func (r *runner) report(steadyFrom, steadyTo time.Time, floor Floor) *Report {
	rep := &Report{Mode: "open loop", Rate: r.cfg.Rate, Workers: r.cfg.Workers, DurationS: r.cfg.Duration.Seconds(),
		WarmupS: r.cfg.Warmup.Seconds(), RefundShare: r.cfg.RefundShare, Floor: floor,
		finalOf: map[uuid.UUID]time.Time{}, sentOf: map[uuid.UUID]time.Time{}}
	if r.cfg.Workers > 0 {
		rep.Mode, rep.Rate = "closed loop", 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var all, steady, seen, approved, posts []time.Duration
	var firstErr error
	for _, sg := range r.sagas {
		rep.Sent++
		if sg.err != nil {
			rep.Failed++
			if firstErr == nil {
				firstErr = sg.err
			}
			continue
		}
		posts = append(posts, sg.posted.Sub(sg.sent))
		if sg.final.IsZero() {
			rep.Stuck++
			continue
		}
		took := sg.final.Sub(sg.sent)
		all = append(all, took)
		seen = append(seen, sg.seen.Sub(sg.sent))
		if !sg.sent.Before(steadyFrom) {
			steady = append(steady, took)
		}
		switch sg.status {
		case kernel.OrderStatusApproved:
			rep.Approved++
			approved = append(approved, took)
			rep.approvedIDs = append(rep.approvedIDs, sg.tracking.UUID())
			rep.finalOf[sg.tracking.UUID()] = sg.final
			rep.sentOf[sg.tracking.UUID()] = sg.sent
		case kernel.OrderStatusCancelled:
			rep.Cancelled++
		}
		if !sg.final.Before(steadyFrom) && !sg.final.After(steadyTo) {
			rep.steadyFinished++
		}
	}
	rep.FinishedPerSecond = float64(rep.steadyFinished) / steadyTo.Sub(steadyFrom).Seconds()
	rep.Saga, rep.SagaSteady, rep.SagaSeen = latencyOf(all), latencyOf(steady), latencyOf(seen)
	rep.SagaApproved, rep.Post = latencyOf(approved), latencyOf(posts)
	if floor.SagaMs > 0 {
		rep.SagaOverFloor = rep.SagaApproved.P50 / floor.SagaMs
	}
	if rep.Failed > 0 {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%d orders were refused by POST /orders, the first: %v", rep.Failed, firstErr))
	}
	if rep.Stuck > 0 {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%d sagas did not end within %s", rep.Stuck, r.cfg.Settle))
	}
	return rep
}

// check compares every customer's credit and history with the orders the
// run saw approved, and looks for outbox rows left unpublished.
func (r *runner) check(ctx context.Context, rep *Report) error {
	r.mu.Lock()
	spent := map[kernel.CustomerID]kernel.Money{}
	for _, sg := range r.sagas {
		if sg.status == kernel.OrderStatusApproved {
			spent[sg.customer] = spent[sg.customer].Add(sg.price)
		}
	}
	r.mu.Unlock()
	for _, c := range r.customers {
		credit, err := r.sys.Client.CustomerCredit(ctx, c)
		if err != nil {
			return fmt.Errorf("load: credit of customer %s: %w", c, err)
		}
		want := r.initial.Subtract(spent[c])
		if !credit.TotalCreditAmount.Equal(want) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("customer %s has %s, expected %s", c, credit.TotalCreditAmount, want))
		}
		if !credit.HistoryBalance().Equal(credit.TotalCreditAmount) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("customer %s: history adds up to %s, credit is %s",
				c, credit.HistoryBalance(), credit.TotalCreditAmount))
		}
	}
	// A published row is marked a moment later (the relay gathers marks for
	// its mark_delay), and a resent one waits for the next claim: rows still
	// STARTED are awaited for a while before they count as a problem.
	var started []struct {
		Table string
		N     int64
	}
	deadline := time.Now().Add(unpublishedGrace)
	for {
		started = started[:0]
		if err := r.unpublished(ctx, &started); err != nil {
			return err
		}
		var n int64
		for _, s := range started {
			n += s.N
		}
		if n == 0 || time.Now().After(deadline) || !retry.Sleep(ctx, 100*time.Millisecond, nil) {
			break
		}
	}
	for _, s := range started {
		if s.N > 0 {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%d rows of %s are not published", s.N, s.Table))
		}
	}
	return nil
}

// unpublishedGrace bounds the wait for the last outbox rows' marks: two poll
// intervals of the relays, which claim what a mark left owed.
const unpublishedGrace = 2 * time.Second

// unpublished counts each outbox's rows not COMPLETED.
func (r *runner) unpublished(ctx context.Context, into any) error {
	err := r.sys.DB.WithContext(ctx).Raw(`
		SELECT 'order.payment_outbox' AS table, count(*) AS n FROM "order".payment_outbox WHERE outbox_status <> 'COMPLETED'
		UNION ALL SELECT 'order.order_approval_outbox', count(*) FROM "order".order_approval_outbox WHERE outbox_status <> 'COMPLETED'
		UNION ALL SELECT 'payment.order_outbox', count(*) FROM payment.order_outbox WHERE outbox_status <> 'COMPLETED'
		UNION ALL SELECT 'restaurant.order_outbox', count(*) FROM restaurant.order_outbox WHERE outbox_status <> 'COMPLETED'`).
		Scan(into).Error
	if err != nil {
		return fmt.Errorf("load: count unpublished outbox rows: %w", err)
	}
	return nil
}

// hops times the legs of the approved sagas from the outbox rows' own
// timestamps (live tables and archives): created_at is when a step wrote its
// message, processed_at when the relay had it acknowledged by the broker.
func (r *runner) hops(ctx context.Context, rep *Report) error {
	ids := rep.approvedIDs
	if len(ids) > 5000 {
		ids = ids[len(ids)-5000:]
	}
	if len(ids) == 0 {
		return nil
	}
	var rows []struct {
		TrackingID   uuid.UUID
		PayCreated   time.Time
		PaySent      time.Time
		PaidCreated  time.Time
		PaidSent     time.Time
		ApprCreated  time.Time
		ApprSent     time.Time
		ApproCreated time.Time
		ApproSent    time.Time
	}
	err := r.sys.DB.WithContext(ctx).Raw(`
		WITH o AS (SELECT id, tracking_id FROM "order".orders WHERE tracking_id IN ?),
		po AS (SELECT saga_id, payload->>'orderId' AS order_id, created_at, processed_at FROM "order".payment_outbox WHERE payment_order_status = 'PENDING'
			UNION ALL SELECT saga_id, payload->>'orderId', created_at, processed_at FROM "order".payment_outbox_archive WHERE payment_order_status = 'PENDING'),
		pa AS (SELECT saga_id, created_at, processed_at FROM payment.order_outbox WHERE payment_order_status = 'PENDING'
			UNION ALL SELECT saga_id, created_at, processed_at FROM payment.order_outbox_archive WHERE payment_order_status = 'PENDING'),
		ao AS (SELECT saga_id, created_at, processed_at FROM "order".order_approval_outbox
			UNION ALL SELECT saga_id, created_at, processed_at FROM "order".order_approval_outbox_archive),
		ra AS (SELECT saga_id, created_at, processed_at FROM restaurant.order_outbox
			UNION ALL SELECT saga_id, created_at, processed_at FROM restaurant.order_outbox_archive)
		SELECT o.tracking_id, po.created_at AS pay_created, po.processed_at AS pay_sent,
			pa.created_at AS paid_created, pa.processed_at AS paid_sent,
			ao.created_at AS appr_created, ao.processed_at AS appr_sent,
			ra.created_at AS appro_created, ra.processed_at AS appro_sent
		FROM o JOIN po ON po.order_id = o.id::text
			JOIN pa ON pa.saga_id = po.saga_id JOIN ao ON ao.saga_id = po.saga_id JOIN ra ON ra.saga_id = po.saga_id`, ids).
		Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("load: read the saga timestamps: %w", err)
	}
	names := []string{
		"POST to payment request written (HTTP, create transaction)",
		"order-service: payment request outbox (wait + publish)",
		"payment-service: delivery + handler",
		"payment-service: answer outbox (wait + publish)",
		"order-service: delivery + handler (payment answer)",
		"order-service: approval request outbox (wait + publish)",
		"restaurant-service: delivery + handler",
		"restaurant-service: answer outbox (wait + publish)",
		"order-service: delivery + handler (approval answer)",
	}
	legs := make([][]time.Duration, len(names))
	rep.HopSagas = len(rows)
	for _, row := range rows {
		points := []time.Time{rep.sentOf[row.TrackingID], row.PayCreated, row.PaySent, row.PaidCreated, row.PaidSent,
			row.ApprCreated, row.ApprSent, row.ApproCreated, row.ApproSent, rep.finalOf[row.TrackingID]}
		for i := range names {
			legs[i] = append(legs[i], points[i+1].Sub(points[i]))
		}
	}
	for i, name := range names {
		rep.Hops = append(rep.Hops, Hop{Name: name, Latency: latencyOf(legs[i])})
	}
	return nil
}

// Print writes the report as a reader wants it.
func (rep *Report) Print(w io.Writer) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	load := fmt.Sprintf("%.0f orders/s", rep.Rate)
	if rep.Workers > 0 {
		load = fmt.Sprintf("%d workers", rep.Workers)
	}
	p("load: %s, %s for %.0fs (warm-up %.0fs), %.0f%% refund path; PostgreSQL %s", rep.Mode, load, rep.DurationS,
		rep.WarmupS, rep.RefundShare*100, rep.Durability)
	p("sent %d: approved %d, cancelled %d, failed POSTs %d, stuck %d", rep.Sent, rep.Approved, rep.Cancelled, rep.Failed, rep.Stuck)
	p("finished sagas/s (steady window): %.1f", rep.FinishedPerSecond)
	row := func(name string, l Latency) {
		p("  %-74s p50 %8.1f  p90 %8.1f  p99 %8.1f  max %8.1f ms", name, l.P50, l.P90, l.P99, l.Max)
	}
	row("saga, POST to final status (all)", rep.Saga)
	row("saga, POST to final status (approved)", rep.SagaApproved)
	row("saga, POST to final status (sent after the warm-up)", rep.SagaSteady)
	row("saga, POST to final status read by the generator's poll (all)", rep.SagaSeen)
	row("POST /orders", rep.Post)
	if rep.HopSagas == 0 {
		p("hops of the approved saga: none timed (the cleaners had deleted every saga's outbox rows: archiving is off)")
	} else {
		p("hops of the approved saga (%d sagas):", rep.HopSagas)
		for _, h := range rep.Hops {
			row(h.Name, h.Latency)
		}
	}
	p("floor: Kafka round trip %.2f ms, PostgreSQL commit %.2f ms; saga floor (4 round trips + 5 commits) %.1f ms; saga p50 = %.1f x floor",
		rep.Floor.KafkaRoundTripMs, rep.Floor.CommitMs, rep.Floor.SagaMs, rep.SagaOverFloor)
	var parts []string
	var total float64
	names := slices.Clone(processNames)
	for _, name := range slices.Sorted(maps.Keys(rep.CPUMsPerSaga)) {
		if !slices.Contains(names, name) {
			names = append(names, name) // make run's own processes, when attached
		}
	}
	for _, name := range names {
		if v, ok := rep.CPUMsPerSaga[name]; ok {
			parts = append(parts, fmt.Sprintf("%s %.2f", name, v))
			total += v
		}
	}
	p("CPU ms per saga: %s; all %.2f", strings.Join(parts, ", "), total)
	if pg := rep.Postgres; pg != nil {
		var roles []string
		for _, role := range slices.Sorted(maps.Keys(pg.StatementsPerSaga)) {
			roles = append(roles, fmt.Sprintf("%s %.1f", role, pg.StatementsPerSaga[role]))
		}
		p("PostgreSQL per saga: %.1f commits; statements: %s", pg.CommitsPerSaga, strings.Join(roles, ", "))
		for _, st := range pg.Top {
			p("  %6.3f ms  %5.2f calls x %6.3f ms  %-18s %s", st.MsPerSaga, st.CallsPerSaga, st.MeanMs, st.Role, st.Query)
		}
	}
	if rep.OK() {
		p("checks: every saga ended, every credit exact, every outbox row published")
		return
	}
	for _, problem := range rep.Problems {
		p("PROBLEM: %s", problem)
	}
}
