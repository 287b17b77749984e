package e2e_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

const (
	loadOrders    = 200
	loadWorkers   = 20
	loadCustomers = 8
	// loadTimeout bounds the whole run: sending every order and waiting
	// until each one has ended.
	loadTimeout = 90 * time.Second
)

// loadResult is one order of the load test and how it ended.
type loadResult struct {
	customer  kernel.CustomerID
	request   e2e.OrderRequest
	refundish bool // of the unavailable product: paid, then refunded
	order     e2e.TrackedOrder
	took      time.Duration
	err       error
}

// TestConcurrentOrders sends 200 orders at once (20 at a time) for 8
// customers with 1000.00 each, on both paths: available products (approved
// when the credit allows) and the unavailable one (paid, then refunded).
// Every order must end APPROVED or CANCELLED for the right reason, every
// customer's credit must be 1000.00 minus their approved orders to the cent
// with a history that adds up to it, and no outbox row may be left STARTED.
func TestConcurrentOrders(t *testing.T) {
	s := system(t)
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()

	initial := kernel.MustParseMoney("1000.00")
	customers := make([]kernel.CustomerID, loadCustomers)
	for i := range customers {
		customers[i] = newCustomer(t, s, initial)
	}
	results := planLoad(customers)

	client := *s.Client
	client.PollInterval = 100 * time.Millisecond // 20 pollers at once: spare the services
	jobs := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range loadWorkers {
		wg.Go(func() {
			for i := range jobs {
				r := &results[i]
				began := time.Now()
				created, err := client.CreateOrder(ctx, r.request)
				if err != nil {
					r.err = fmt.Errorf("create: %w", err)
					continue
				}
				r.order, r.err = client.WaitForStatus(ctx, created.OrderTrackingID, loadTimeout)
				r.took = time.Since(began)
			}
		})
	}
	for i := range results {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	wall := time.Since(start)

	// Every order ended, for a reason its path allows.
	var approved, refunded, noCredit int
	var latencies []time.Duration
	spent := make(map[kernel.CustomerID]kernel.Money)  // approved totals
	repaid := make(map[kernel.CustomerID]kernel.Money) // refunded totals
	var refundedOrders, approvedOrders []uuid.UUID
	for i, r := range results {
		require.NoError(t, r.err, "order %d", i)
		latencies = append(latencies, r.took)
		creditMessages := []string{
			fmt.Sprintf("Customer with id=%s doesn't have enough credit for payment!", r.customer),
			fmt.Sprintf("Customer with id=%s doesn't have enough credit according to credit history!", r.customer),
		}
		switch {
		case r.order.OrderStatus == kernel.OrderStatusApproved && !r.refundish:
			approved++
			spent[r.customer] = spent[r.customer].Add(r.request.Price)
			approvedOrders = append(approvedOrders, r.order.OrderID.UUID())
		case r.order.OrderStatus == kernel.OrderStatusCancelled && slices.Equal(r.order.FailureMessages, creditMessages):
			noCredit++
		case r.order.OrderStatus == kernel.OrderStatusCancelled && r.refundish &&
			slices.Equal(r.order.FailureMessages, []string{"Product with id: " + e2e.UnavailableProductID.String() + " is not available"}):
			refunded++
			repaid[r.customer] = repaid[r.customer].Add(r.request.Price)
			refundedOrders = append(refundedOrders, r.order.OrderID.UUID())
		default:
			t.Fatalf("order %d (unavailable product: %v) ended %s with %q", i, r.refundish, r.order.OrderStatus, r.order.FailureMessages)
		}
	}
	slices.Sort(latencies)
	t.Logf("%d orders (%d workers, %d customers) in %s: %.1f orders/s; approved %d, refunded %d, refused for credit %d; "+
		"saga time p50 %s, p95 %s, max %s", loadOrders, loadWorkers, loadCustomers, wall.Round(time.Millisecond),
		float64(loadOrders)/wall.Seconds(), approved, refunded, noCredit,
		latencies[len(latencies)/2].Round(time.Millisecond), latencies[len(latencies)*95/100].Round(time.Millisecond),
		latencies[len(latencies)-1].Round(time.Millisecond))
	require.Positive(t, approved, "some orders are approved")
	require.Positive(t, refunded, "some orders are refunded")

	// Not a cent wrong: credit = initial - approved totals; the history has a
	// DEBIT for every paid order, a CREDIT for every refund, and adds up.
	for _, c := range customers {
		got := credit(t, s, c)
		assert.Equal(t, initial.Subtract(spent[c]).String(), got.TotalCreditAmount.String(), "credit of customer %s", c)
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
		assert.Equal(t, initial.Add(repaid[c]).String(), credits.String(), "credits of customer %s: the initial credit and the refunds", c)
	}

	// The restaurant answered every paid order, as the orders say.
	for status, orders := range map[string][]uuid.UUID{"APPROVED": approvedOrders, "REJECTED": refundedOrders} {
		var n int64
		require.NoError(t, s.DB.Raw(`SELECT count(*) FROM restaurant.order_approval WHERE status = ? AND order_id IN ?`,
			status, orders).Scan(&n).Error)
		assert.Equal(t, int64(len(orders)), n, "order_approval rows %s", status)
	}

	// Nothing is left to publish (a relay's commit may trail the answer it
	// published by a moment).
	eventually(t, 10*time.Second, func() error {
		started, err := startedRows(context.Background(), s)
		if err != nil {
			return err
		}
		if len(started) > 0 {
			return fmt.Errorf("outbox rows left STARTED: %v", started)
		}
		return nil
	})
}

// planLoad spreads loadOrders orders over the customers: one in three of the
// unavailable product (1 to 4 of it), the others of the available one, 1 or
// 2 of it, every fifth of those with a second line. That asks the customers
// for a little more than their credit in all, so the last orders of some
// customers are refused. The seed is fixed, so every run sends the same.
func planLoad(customers []kernel.CustomerID) []loadResult {
	rng := rand.New(rand.NewPCG(6, 200))
	results := make([]loadResult, loadOrders)
	for i := range results {
		c := customers[i%len(customers)]
		r := loadResult{customer: c}
		if i%3 == 0 {
			r.refundish = true
			r.request = e2e.UnavailableProductOrder(c, 1+rng.IntN(4))
		} else {
			lines := []e2e.Line{{Product: e2e.AvailableProductID, Quantity: 1 + rng.IntN(2), Price: e2e.AvailableProductPrice}}
			if i%5 == 0 {
				lines = append(lines, e2e.Line{Product: e2e.AvailableProductID, Quantity: 1 + rng.IntN(2), Price: e2e.AvailableProductPrice})
			}
			r.request = e2e.NewOrderRequest(c, e2e.SampleRestaurantID, e2e.SampleAddress, lines...)
		}
		results[i] = r
	}
	return results
}
