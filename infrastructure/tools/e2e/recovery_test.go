package e2e_test

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// The crash test's stream of orders and its bounds. Every wait is bounded;
// the only sleep is how long a killed service stays down.
const (
	crashCustomers = 6
	crashWorkers   = 4                      // POSTs at once, at most
	crashPace      = 250 * time.Millisecond // between two orders of the stream
	crashTail      = 10                     // orders sent after the last restart
	crashMaxOrders = 200                    // the stream's bound, whatever happens
	crashDownTime  = 300 * time.Millisecond // a killed service stays down this long
	// crashStepTimeout bounds each wait of the chaos for the system to make
	// progress. A killed service's consumers rejoin their groups only once
	// the broker's session timeout (sarama's 10s) has ended the dead
	// members, so allow several of those.
	crashStepTimeout = 45 * time.Second
	// crashSettleTimeout bounds the wait, after the last restart, until
	// every order has ended and until nothing is on its way any more.
	crashSettleTimeout = 60 * time.Second
	// crashTimeout bounds the whole test.
	crashTimeout = 3 * time.Minute
)

// The ways an order of the crash test can end.
type outcome string

const (
	approved outcome = "approved"           // paid and approved
	refunded outcome = "refunded"           // paid, rejected by the restaurant, refunded
	refused  outcome = "refused for credit" // not paid: the customer's credit did not allow it
)

// TestCrashRecovery proves that nothing is lost on a crash: delivery is at
// least once and every handler is idempotent. It streams orders (both the
// approved and the refunded path; one customer's credit is short, so some
// are refused) while it SIGKILLs payment-service, then restaurant-service,
// then order-service, one at a time, each while it is busy, and restarts
// each after a short pause. It then waits until every order the system
// took has ended and nothing is on its way, and checks to the cent and to
// the row that each saga happened exactly once: the customers' credit and
// history, one payment and at most one approval per order, and in every
// outbox (live and archived rows) exactly the rows of the order's path —
// no duplicate answer, none lost, none left STARTED — and that no record
// went to a dead-letter topic during the test.
//
// A POST that order-service's crash cut off may have committed its order
// without the 201 reaching the test. Such an order is in the system all the
// same: the checks cover every order of the test's customers in the
// database, and every 201 must be among them.
//
// It kills the services the other tests use, so it runs last (its file
// sorts last), and leaves the system as quiet as it found it.
func TestCrashRecovery(t *testing.T) {
	s := system(t)
	ctx, cancel := context.WithTimeout(context.Background(), crashTimeout)
	defer cancel()
	began := time.Now()

	initial := map[kernel.CustomerID]kernel.Money{}
	customers := make([]kernel.CustomerID, crashCustomers)
	for i := range customers {
		credit := kernel.MustParseMoney("5000.00")
		if i == 0 {
			credit = kernel.MustParseMoney("150.00") // a few orders, then refusals
		}
		customers[i] = newCustomer(t, s, credit)
		initial[customers[i]] = credit
	}

	// Other tests park records on purpose; what this test must not park is
	// counted from here.
	deadLetteredBefore := waitQuiet(t, s, crashSettleTimeout).DeadLettered()

	run := newCrashRun(s, customers)
	chaosDone := make(chan struct{})
	var kills []crashKill
	var chaosErr error
	go func() {
		defer close(chaosDone)
		kills, chaosErr = run.chaos(ctx)
	}()
	sent := run.stream(ctx, chaosDone)
	<-chaosDone
	require.NoError(t, chaosErr, "the chaos did not run its course")
	orderCrash := kills[len(kills)-1] // the last one
	require.Equal(t, "order-service", orderCrash.service)
	lastRestart := orderCrash.restarted

	// Every POST that failed, failed while order-service was down.
	orders := run.orders[:sent]
	accepted := make(map[kernel.TrackingID]*crashOrder)
	var failed int
	for i := range orders {
		o := &orders[i]
		if o.err != nil {
			failed++
			assert.True(t, !o.failedAt.Before(orderCrash.killed) && !o.failedAt.After(orderCrash.restarted),
				"order %d failed at %s, outside order-service's downtime [%s, %s]: %v", i,
				o.failedAt.Format(clock), orderCrash.killed.Format(clock), orderCrash.restarted.Format(clock), o.err)
			continue
		}
		accepted[o.created.OrderTrackingID] = o
	}

	// Every order the system took ends, whether or not its 201 arrived.
	stored := waitForStoredOrders(t, s, customers, crashSettleTimeout)
	settled := time.Now()
	storedByTracking := make(map[kernel.TrackingID]storedOrder, len(stored))
	for _, o := range stored {
		storedByTracking[kernel.IDFromUUID[kernel.TrackingID](o.TrackingID)] = o
	}
	for tracking := range accepted {
		require.Contains(t, storedByTracking, tracking, "an order answered 201 is in the database")
	}
	orphans := len(stored) - len(accepted)

	// Nothing is on its way any more: the rows below are final.
	backlog := waitQuiet(t, s, crashSettleTimeout)
	quiet := time.Now()
	assert.Equal(t, deadLetteredBefore, backlog.DeadLettered(), "records the crash sent to the dead-letter topics: %v", backlog.Records)

	// Every order ended for a reason its path allows, as the API says.
	counts := map[outcome]int{}
	spent := map[kernel.CustomerID]kernel.Money{}  // approved totals
	repaid := map[kernel.CustomerID]kernel.Money{} // refunded totals
	outcomes := make(map[uuid.UUID]outcome, len(stored))
	for _, o := range stored {
		tracked, err := s.Client.TrackOrder(ctx, kernel.IDFromUUID[kernel.TrackingID](o.TrackingID))
		require.NoError(t, err)
		customer := kernel.IDFromUUID[kernel.CustomerID](o.CustomerID)
		got, err := outcomeOf(tracked, customer, o.Unavailable)
		require.NoError(t, err, "order %s (unavailable product: %v)", o.ID, o.Unavailable)
		price := kernel.MustParseMoney(o.Price)
		if a, ok := accepted[tracked.OrderTrackingID]; ok {
			require.Equal(t, a.request.Price.String(), price.String(), "price of order %s", o.ID)
		}
		outcomes[o.ID] = got
		counts[got]++
		switch got {
		case approved:
			spent[customer] = spent[customer].Add(price)
		case refunded:
			repaid[customer] = repaid[customer].Add(price)
		}
	}
	require.Positive(t, counts[approved], "some orders are approved")
	require.Positive(t, counts[refunded], "some orders are refunded")

	// Not a cent wrong: no double debit, no lost or double refund.
	for _, c := range customers {
		got := credit(t, s, c)
		assert.Equal(t, initial[c].Subtract(spent[c]).String(), got.TotalCreditAmount.String(), "credit of customer %s", c)
		assert.Equal(t, got.TotalCreditAmount.String(), got.HistoryBalance().String(), "history of customer %s adds up to the credit", c)
		var debits, credits kernel.Money
		for _, m := range got.History {
			if m.Type == e2e.Debit {
				debits = debits.Add(m.Amount)
			} else {
				credits = credits.Add(m.Amount)
			}
		}
		assert.Equal(t, spent[c].Add(repaid[c]).String(), debits.String(), "debits of customer %s: approved and refunded orders", c)
		assert.Equal(t, initial[c].Add(repaid[c]).String(), credits.String(), "credits of customer %s: the initial credit and the refunds", c)
	}

	// One payment per order, and one restaurant answer per order that
	// reached the restaurant.
	orderIDs := slices.Collect(maps.Keys(outcomes))
	wantPayment := map[outcome]string{approved: "COMPLETED", refunded: "CANCELLED", refused: "FAILED"}
	wantApproval := map[outcome]string{approved: "APPROVED", refunded: "REJECTED"}
	payments := statusesByOrder(t, s, `SELECT order_id, status FROM payment.payments WHERE order_id IN ?`, orderIDs)
	approvals := statusesByOrder(t, s, `SELECT order_id, status FROM restaurant.order_approval WHERE order_id IN ?`, orderIDs)
	for id, got := range outcomes {
		assert.Equal(t, []string{wantPayment[got]}, payments[id], "payments of %s order %s", got, id)
		var want []string
		if w, ok := wantApproval[got]; ok {
			want = []string{w}
		}
		assert.Equal(t, want, approvals[id], "order_approval rows of %s order %s", got, id)
	}

	// Every outbox holds exactly the rows of each saga's path, live or
	// archived, every one published: no answer twice, none lost.
	sagas, err := sagaIDsOf(ctx, s, orderIDs)
	require.NoError(t, err)
	rows, err := sagasOutbox(ctx, s, slices.Collect(maps.Values(sagas)))
	require.NoError(t, err)
	for id, got := range outcomes {
		saga := sagas[id]
		assert.Equal(t, expectedOutbox(got), summaries(rows[saga]), "outbox rows of %s order %s (saga %s)", got, id, saga)
		for _, r := range rows[saga] {
			assert.True(t, r.Processed, "%s row %q of saga %s has no processed_at", r.Table, r.Summary, saga)
		}
	}
	// The same, as the unique indexes say it, over every saga of the run and
	// across the archives (which have no unique index).
	for _, d := range duplicateAnswers(t, s) {
		t.Errorf("duplicate outbox rows: %s", d)
	}

	// Figures.
	for _, k := range kills {
		line := fmt.Sprintf("%s: SIGKILL at +%s with %d orders in flight, down %s (restart to /readyz %s)",
			k.service, k.killed.Sub(began).Round(time.Millisecond), k.inFlight,
			k.restarted.Sub(k.killed).Round(time.Millisecond), k.restarted.Sub(k.restarting).Round(time.Millisecond))
		if !k.resumed.IsZero() {
			line += fmt.Sprintf(", consuming again %s after the restart", k.resumed.Sub(k.restarted).Round(time.Millisecond))
		}
		t.Log(line)
	}
	t.Logf("stream: %d orders sent (%d at once, one every %s): %d answered 201, %d POSTs failed while order-service was down, "+
		"%d saved without a 201", sent, crashWorkers, crashPace, len(accepted), failed, orphans)
	t.Logf("%d orders ended %s after the last restart (quiet after %s): %d approved, %d refunded, %d refused for credit",
		len(stored), settled.Sub(lastRestart).Round(time.Millisecond), quiet.Sub(lastRestart).Round(time.Millisecond),
		counts[approved], counts[refunded], counts[refused])
	t.Logf("records re-sent by the relays (records on the topic - published outbox rows): %v", resent(t, s, backlog))
	t.Logf("duplicates the services recognised (log lines \"already ...\"): %v", alreadyLines(s))
	t.Logf("crash test took %s", time.Since(began).Round(time.Millisecond))
}

// clock formats instants in assertion messages.
const clock = "15:04:05.000"

// crashOrder is one order of the stream and what became of its POST.
type crashOrder struct {
	request  e2e.OrderRequest
	created  e2e.CreatedOrder // when the POST answered 201
	err      error            // when it did not
	failedAt time.Time
}

// crashKill is what the chaos did to one service, and when.
type crashKill struct {
	service    string
	inFlight   int       // orders of the test not yet ended when it was killed
	killed     time.Time // SIGKILL sent
	restarting time.Time // started again
	restarted  time.Time // answering /readyz again
	resumed    time.Time // seen working again (payment-service only)
}

// crashRun is the stream of orders and the chaos around it.
type crashRun struct {
	s         *e2e.System
	client    *e2e.Client
	customers []kernel.CustomerID
	// orders is the planned stream; the stream fills in the first ones.
	orders []crashOrder
	// accepted counts the 201s.
	accepted atomic.Int64
	// orderServiceBack is closed when order-service answers again after its
	// crash (or when the chaos ends early): a worker whose POST failed waits
	// for it before it takes the next order.
	orderServiceBack chan struct{}
}

func newCrashRun(s *e2e.System, customers []kernel.CustomerID) *crashRun {
	r := &crashRun{s: s, client: s.Client, customers: customers, orderServiceBack: make(chan struct{})}
	// The same plan every run: any customer, one order in three of the
	// unavailable product (1 to 4 of it), the others 1 or 2 of the
	// available one, one in five of those with a second line.
	rng := rand.New(rand.NewPCG(7, 60))
	r.orders = make([]crashOrder, crashMaxOrders)
	for i := range r.orders {
		c := customers[rng.IntN(len(customers))]
		if rng.IntN(3) == 0 {
			r.orders[i].request = e2e.UnavailableProductOrder(c, 1+rng.IntN(4))
			continue
		}
		lines := []e2e.Line{{Product: e2e.AvailableProductID, Quantity: 1 + rng.IntN(2), Price: e2e.AvailableProductPrice}}
		if rng.IntN(5) == 0 {
			lines = append(lines, e2e.Line{Product: e2e.AvailableProductID, Quantity: 1 + rng.IntN(2), Price: e2e.AvailableProductPrice})
		}
		r.orders[i].request = e2e.NewOrderRequest(c, e2e.SampleRestaurantID, e2e.SampleAddress, lines...)
	}
	return r
}

// stream sends an order every crashPace, crashWorkers at most at once,
// until crashTail orders after chaosDone closed (or crashMaxOrders, or ctx
// ends). It returns how many it sent: r.orders[:n] say how each POST went.
func (r *crashRun) stream(ctx context.Context, chaosDone <-chan struct{}) int {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range crashWorkers {
		wg.Go(func() {
			for i := range jobs {
				r.place(ctx, i)
			}
		})
	}
	defer func() {
		close(jobs)
		wg.Wait()
	}()
	ticker := time.NewTicker(crashPace)
	defer ticker.Stop()
	tail := -1 // orders left to send once the chaos is done
	for n := 0; n < len(r.orders); n++ {
		if tail < 0 {
			select {
			case <-chaosDone:
				tail = crashTail
			default:
			}
		}
		if tail == 0 {
			return n
		}
		select {
		case <-ctx.Done():
			return n
		case <-ticker.C:
		}
		select {
		case <-ctx.Done():
			return n
		case jobs <- n:
		}
		if tail > 0 {
			tail--
		}
	}
	return len(r.orders)
}

// place POSTs order i. When the POST fails, order-service is down (the test
// checks that): the worker waits until it is back.
func (r *crashRun) place(ctx context.Context, i int) {
	o := &r.orders[i]
	created, err := r.client.CreateOrder(ctx, o.request)
	if err != nil {
		o.err, o.failedAt = err, time.Now()
		select {
		case <-r.orderServiceBack:
		case <-ctx.Done():
		}
		return
	}
	o.created = created
	r.accepted.Add(1)
}

// chaos crashes the three services one after the other, each while it has
// work in hand, and restarts each after crashDownTime:
//   - payment-service once orders come in;
//   - restaurant-service once payment-service pays again after its restart
//     (its consumer has rejoined its group) and the restaurant answers those
//     orders: it is then busy with the backlog of the payments' downtime;
//   - order-service once it took a few more orders (it handles the
//     payments' answers and relays the approval requests meanwhile).
func (r *crashRun) chaos(ctx context.Context) ([]crashKill, error) {
	defer func() {
		select {
		case <-r.orderServiceBack:
		default:
			close(r.orderServiceBack) // no worker waits forever
		}
	}()
	var kills []crashKill

	if err := r.waitUntil(ctx, "5 orders answered 201", func() (bool, error) { return r.accepted.Load() >= 5, nil }); err != nil {
		return kills, err
	}
	k, err := r.crash(ctx, "payment-service")
	if err != nil {
		return kills, err
	}
	payments, err := r.count(ctx, `SELECT count(*) FROM payment.payments`)
	if err != nil {
		return kills, err
	}
	answers, err := r.count(ctx, `SELECT count(*) FROM restaurant.order_approval`)
	if err != nil {
		return kills, err
	}
	err = r.waitUntil(ctx, "payment-service to pay again", func() (bool, error) {
		n, err := r.count(ctx, `SELECT count(*) FROM payment.payments`)
		return n >= payments+3, err
	})
	if err != nil {
		return kills, err
	}
	k.resumed = time.Now()
	kills = append(kills, k)
	err = r.waitUntil(ctx, "restaurant-service to answer the new payments", func() (bool, error) {
		n, err := r.count(ctx, `SELECT count(*) FROM restaurant.order_approval`)
		return n >= answers+3, err
	})
	if err != nil {
		return kills, err
	}

	if k, err = r.crash(ctx, "restaurant-service"); err != nil {
		return kills, err
	}
	kills = append(kills, k)

	placed := r.accepted.Load()
	err = r.waitUntil(ctx, "3 more orders answered 201", func() (bool, error) { return r.accepted.Load() >= placed+3, nil })
	if err != nil {
		return kills, err
	}
	k, err = r.crash(ctx, "order-service")
	if err != nil {
		return kills, err
	}
	close(r.orderServiceBack)
	return append(kills, k), nil
}

// crash kills service, leaves it down for crashDownTime, and restarts it.
func (r *crashRun) crash(ctx context.Context, service string) (crashKill, error) {
	k := crashKill{service: service}
	n, err := r.count(ctx, `SELECT count(*) FROM "order".orders WHERE customer_id IN ? AND order_status NOT IN ('APPROVED', 'CANCELLED')`,
		uuids(r.customers))
	if err != nil {
		return k, err
	}
	k.inFlight = int(n)
	k.killed = time.Now()
	if err := r.s.Kill(service); err != nil {
		return k, err
	}
	select { // the one pause of the test: the others go on without it
	case <-time.After(crashDownTime):
	case <-ctx.Done():
		return k, ctx.Err()
	}
	k.restarting = time.Now()
	if err := r.s.Restart(ctx, service); err != nil {
		return k, err
	}
	k.restarted = time.Now()
	return k, nil
}

// waitUntil checks cond every 10ms (so that a kill follows closely what
// triggers it) until it holds, for crashStepTimeout at most.
func (r *crashRun) waitUntil(ctx context.Context, what string, cond func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, crashStepTimeout)
	defer cancel()
	ticker := time.NewTicker(10 * time.Millisecond)
	defer ticker.Stop()
	for {
		ok, err := cond()
		if err != nil && ctx.Err() == nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waited %s for %s in vain", crashStepTimeout, what)
		case <-ticker.C:
		}
	}
}

func (r *crashRun) count(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := r.s.DB.WithContext(ctx).Raw(query, args...).Scan(&n).Error
	return n, err
}

// storedOrder is an order of the test's customers as order-service stored
// it.
type storedOrder struct {
	ID          uuid.UUID
	TrackingID  uuid.UUID
	CustomerID  uuid.UUID
	Price       string
	OrderStatus string
	Unavailable bool // it has a line of the unavailable product
}

// waitForStoredOrders waits until every order of the customers in
// order-service's database has ended, and returns them.
func waitForStoredOrders(t *testing.T, s *e2e.System, customers []kernel.CustomerID, timeout time.Duration) []storedOrder {
	t.Helper()
	var orders []storedOrder
	eventually(t, timeout, func() error {
		orders = nil
		err := s.DB.Raw(`SELECT o.id, o.tracking_id, o.customer_id, o.price::text AS price, o.order_status,
				EXISTS (SELECT 1 FROM "order".order_items i WHERE i.order_id = o.id AND i.product_id = ?) AS unavailable
			FROM "order".orders o WHERE o.customer_id IN ?`, e2e.UnavailableProductID.UUID(), uuids(customers)).Scan(&orders).Error
		if err != nil {
			return err
		}
		open := map[string]int{}
		for _, o := range orders {
			if o.OrderStatus != string(kernel.OrderStatusApproved) && o.OrderStatus != string(kernel.OrderStatusCancelled) {
				open[o.OrderStatus]++
			}
		}
		if len(open) > 0 {
			return fmt.Errorf("orders not ended yet, by status: %v", open)
		}
		return nil
	})
	return orders
}

// waitQuiet waits until nothing of any saga is on its way: every consumer
// group has consumed every record of its topic, then no outbox row is
// STARTED, then the topics still hold the same records and the groups have
// still consumed them all. Since every record had been handled at the first
// look (offsets are committed after the handling), no handler was left to
// write a row; with none STARTED, no relay was left to publish one; and none
// did in between. It returns the last look.
func waitQuiet(t *testing.T, s *e2e.System, timeout time.Duration) e2e.Backlog {
	t.Helper()
	ctx := context.Background()
	var last e2e.Backlog
	eventually(t, timeout, func() error {
		before, err := s.Backlog(ctx)
		if err != nil {
			return err
		}
		if !before.Drained() {
			return fmt.Errorf("records not consumed yet, by topic: %v", before.Unconsumed)
		}
		started, err := startedRows(ctx, s)
		if err != nil {
			return err
		}
		if len(started) > 0 {
			return fmt.Errorf("outbox rows left STARTED: %v", started)
		}
		if last, err = s.Backlog(ctx); err != nil {
			return err
		}
		if !last.Drained() || !maps.Equal(before.Records, last.Records) {
			return fmt.Errorf("records still moving: %v, then %v (unconsumed %v)", before.Records, last.Records, last.Unconsumed)
		}
		return nil
	})
	return last
}

// outcomeOf says how an order ended, or why that is not a way its path
// allows.
func outcomeOf(o e2e.TrackedOrder, customer kernel.CustomerID, unavailable bool) (outcome, error) {
	creditMessages := []string{
		fmt.Sprintf("Customer with id=%s doesn't have enough credit for payment!", customer),
		fmt.Sprintf("Customer with id=%s doesn't have enough credit according to credit history!", customer),
	}
	productMessages := []string{"Product with id: " + e2e.UnavailableProductID.String() + " is not available"}
	switch {
	case o.OrderStatus == kernel.OrderStatusApproved && !unavailable && len(o.FailureMessages) == 0:
		return approved, nil
	case o.OrderStatus == kernel.OrderStatusCancelled && slices.Equal(o.FailureMessages, creditMessages):
		return refused, nil
	case o.OrderStatus == kernel.OrderStatusCancelled && unavailable && slices.Equal(o.FailureMessages, productMessages):
		return refunded, nil
	}
	return "", fmt.Errorf("order %s ended %s with %q", o.OrderID, o.OrderStatus, o.FailureMessages)
}

// expectedOutbox is every outbox row of a saga that ended with outcome, as
// summaries groups them.
func expectedOutbox(o outcome) map[string][]string {
	switch o {
	case approved:
		return map[string][]string{
			"order.payment_outbox":        {"request=PENDING outbox=COMPLETED saga=SUCCEEDED order=APPROVED"},
			"order.order_approval_outbox": {"outbox=COMPLETED saga=SUCCEEDED order=APPROVED"},
			"payment.order_outbox":        {"request=PENDING payment=COMPLETED outbox=COMPLETED"},
			"restaurant.order_outbox":     {"approval=APPROVED outbox=COMPLETED"},
		}
	case refunded:
		return map[string][]string{
			"order.payment_outbox": {
				"request=CANCELLED outbox=COMPLETED saga=COMPENSATED order=CANCELLED",
				"request=PENDING outbox=COMPLETED saga=COMPENSATED order=CANCELLED",
			},
			"order.order_approval_outbox": {"outbox=COMPLETED saga=COMPENSATED order=CANCELLED"},
			"payment.order_outbox": {
				"request=CANCELLED payment=CANCELLED outbox=COMPLETED",
				"request=PENDING payment=COMPLETED outbox=COMPLETED",
			},
			"restaurant.order_outbox": {"approval=REJECTED outbox=COMPLETED"},
		}
	default:
		return map[string][]string{
			"order.payment_outbox": {"request=PENDING outbox=COMPLETED saga=COMPENSATED order=CANCELLED"},
			"payment.order_outbox": {"request=PENDING payment=FAILED outbox=COMPLETED"},
		}
	}
}

// statusesByOrder runs query (order_id, status rows of the orders) and
// groups the statuses by order.
func statusesByOrder(t *testing.T, s *e2e.System, query string, orderIDs []uuid.UUID) map[uuid.UUID][]string {
	t.Helper()
	var rows []struct {
		OrderID uuid.UUID
		Status  string
	}
	require.NoError(t, s.DB.Raw(query, orderIDs).Scan(&rows).Error)
	m := make(map[uuid.UUID][]string)
	for _, r := range rows {
		m[r.OrderID] = append(m[r.OrderID], r.Status)
	}
	return m
}

// duplicateAnswers lists, over every saga in the database, the keys of the
// outbox unique indexes that hold more than one row once the archives are
// counted in: a request asked twice, or answered twice.
func duplicateAnswers(t *testing.T, s *e2e.System) []string {
	t.Helper()
	var all []string
	for table, key := range map[string]string{
		`"order".payment_outbox`:        "saga_id || ' ' || payment_order_status",
		`"order".order_approval_outbox`: "saga_id::text",
		`payment.order_outbox`:          "saga_id || ' ' || payment_order_status",
		`restaurant.order_outbox`:       "saga_id::text",
	} {
		var dups []string
		err := s.DB.Raw(fmt.Sprintf(`SELECT %[2]s || ': ' || count(*) || ' rows' FROM (
				SELECT * FROM %[1]s UNION ALL SELECT * FROM %[1]s_archive) r
			GROUP BY %[2]s HAVING count(*) > 1`, table, key)).Scan(&dups).Error
		require.NoError(t, err)
		for _, d := range dups {
			all = append(all, table+" "+d)
		}
	}
	return all
}

// resent is, by topic, how many more records the topic holds than its
// outbox has published rows: what relays sent again after a crash between
// publishing and marking the rows.
func resent(t *testing.T, s *e2e.System, b e2e.Backlog) map[string]int64 {
	t.Helper()
	m := make(map[string]int64)
	for topic, table := range map[string]string{
		"payment-request":              `"order".payment_outbox`,
		"restaurant-approval-request":  `"order".order_approval_outbox`,
		"payment-response":             `payment.order_outbox`,
		"restaurant-approval-response": `restaurant.order_outbox`,
	} {
		var published int64
		err := s.DB.Raw(fmt.Sprintf(`SELECT count(*) FROM (SELECT processed_at FROM %[1]s UNION ALL
			SELECT processed_at FROM %[1]s_archive) r WHERE processed_at IS NOT NULL`, table)).Scan(&published).Error
		require.NoError(t, err)
		m[topic] = b.Records[topic] - published
	}
	return m
}

// alreadyLines counts, by service, the log lines in which a handler says it
// had already handled a message ("already answered", "already processed",
// "already rolled back"): the duplicates it recognised.
func alreadyLines(s *e2e.System) map[string]int {
	m := make(map[string]int)
	for _, service := range e2e.Services {
		f, err := os.Open(s.LogFile(service))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := sc.Text()
			for _, said := range []string{"already answered", "already processed", "already rolled back"} {
				if strings.Contains(line, said) {
					m[service]++
					break
				}
			}
		}
		_ = f.Close()
	}
	return m
}

func uuids[I interface{ UUID() uuid.UUID }](ids []I) []uuid.UUID {
	out := make([]uuid.UUID, len(ids))
	for i, id := range ids {
		out[i] = id.UUID()
	}
	return out
}
