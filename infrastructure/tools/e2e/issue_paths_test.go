package e2e_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// TestIssuePaths runs the three paths of the walkthrough with the seeded
// customers, one after the other (two of them share customer ...cfb41), and
// checks where each ends in all three services: the order, the customer's
// credit and history, the restaurant's approval, and every outbox row of the
// saga.
func TestIssuePaths(t *testing.T) {
	s := system(t)
	ctx := context.Background()

	t.Run("sample order is paid and approved", func(t *testing.T) {
		before := credit(t, s, e2e.SampleCustomerID)
		require.False(t, before.TotalCreditAmount.LessThan(kernel.MustParseMoney("200.00")),
			"customer ...cfb41 needs 200.00 for the sample order, has %s", before.TotalCreditAmount)

		order, observed := placeAndFollow(t, s, e2e.SampleOrder(e2e.SampleCustomerID))

		requireObservedPath(t, observed, kernel.OrderStatusPending, kernel.OrderStatusPaid, kernel.OrderStatusApproved)
		assert.Empty(t, order.FailureMessages)

		after := credit(t, s, e2e.SampleCustomerID)
		assert.Equal(t, before.TotalCreditAmount.Subtract(kernel.MustParseMoney("200.00")).String(), after.TotalCreditAmount.String())
		assert.Equal(t, []string{"DEBIT 200.00"}, movements(after.MovementsSince(before)))
		assert.Equal(t, after.TotalCreditAmount.String(), after.HistoryBalance().String(), "the history adds up to the credit")

		approval, err := s.Client.OrderApproval(ctx, order.OrderID)
		require.NoError(t, err)
		assert.Equal(t, e2e.OrderApproval{OrderID: order.OrderID, RestaurantID: e2e.SampleRestaurantID,
			OrderApprovalStatus: kernel.OrderApprovalStatusApproved, FailureMessages: []string{}}, approval)

		requireSagaOutbox(t, s, order.OrderID, expectedOutbox(approved))
		requireTimeline(t, s, order.OrderTrackingID, "created", "payment_requested", "paid", "approval_requested", "approved")
	})

	t.Run("order of a customer without enough credit is cancelled", func(t *testing.T) {
		customer := e2e.LowCreditCustomerID
		before := credit(t, s, customer)
		require.True(t, before.TotalCreditAmount.LessThan(kernel.MustParseMoney("200.00")),
			"customer ...cfb43 must not afford the sample order, has %s", before.TotalCreditAmount)

		order, observed := placeAndFollow(t, s, e2e.SampleOrder(customer))

		requireObservedPath(t, observed, kernel.OrderStatusPending, kernel.OrderStatusCancelled)
		assert.Equal(t, []string{
			fmt.Sprintf("Customer with id=%s doesn't have enough credit for payment!", customer),
			fmt.Sprintf("Customer with id=%s doesn't have enough credit according to credit history!", customer),
		}, order.FailureMessages)

		after := credit(t, s, customer)
		assert.Equal(t, before.TotalCreditAmount.String(), after.TotalCreditAmount.String(), "no balance change")
		assert.Empty(t, movements(after.MovementsSince(before)), "no history entry")

		_, err := s.Client.OrderApproval(ctx, order.OrderID)
		assert.True(t, e2e.IsNotFound(err), "the restaurant was never asked; got %v", err)

		requireSagaOutbox(t, s, order.OrderID, expectedOutbox(refused))
		requireTimeline(t, s, order.OrderTrackingID, "created", "payment_requested", "payment_failed", "cancelled")
	})

	t.Run("order of an unavailable product is refunded and cancelled", func(t *testing.T) {
		before := credit(t, s, e2e.SampleCustomerID)
		req := e2e.UnavailableProductOrder(e2e.SampleCustomerID, 2)
		require.Equal(t, "50.00", req.Price.String())
		require.False(t, before.TotalCreditAmount.LessThan(req.Price), "customer ...cfb41 needs 50.00, has %s", before.TotalCreditAmount)

		order, observed := placeAndFollow(t, s, req)

		requireObservedPath(t, observed, kernel.OrderStatusPending, kernel.OrderStatusPaid, kernel.OrderStatusCancelling, kernel.OrderStatusCancelled)
		productMessage := fmt.Sprintf("Product with id: %s is not available", e2e.UnavailableProductID)
		assert.Equal(t, []string{productMessage}, order.FailureMessages)

		after := credit(t, s, e2e.SampleCustomerID)
		assert.Equal(t, before.TotalCreditAmount.String(), after.TotalCreditAmount.String(), "the refund gives the credit back")
		assert.Equal(t, []string{"DEBIT 50.00", "CREDIT 50.00"}, movements(after.MovementsSince(before)))
		assert.Equal(t, after.TotalCreditAmount.String(), after.HistoryBalance().String(), "the history adds up to the credit")

		approval, err := s.Client.OrderApproval(ctx, order.OrderID)
		require.NoError(t, err)
		assert.Equal(t, e2e.OrderApproval{OrderID: order.OrderID, RestaurantID: e2e.SampleRestaurantID,
			OrderApprovalStatus: kernel.OrderApprovalStatusRejected, FailureMessages: []string{productMessage}}, approval)

		// The outbox shows the whole compensation, whatever the polls saw:
		// the payment, the rejection, the refund request and its answer.
		requireSagaOutbox(t, s, order.OrderID, expectedOutbox(refunded))
		requireTimeline(t, s, order.OrderTrackingID, "created", "payment_requested", "paid", "approval_requested",
			"rejected", "refund_requested", "refunded", "cancelled")
	})
}

// requireTimeline waits until order-service's timeline of the order lists
// the steps, complete (the system archives finished rows rather than
// deleting them), each no earlier than the one before.
func requireTimeline(t *testing.T, s *e2e.System, trackingID kernel.TrackingID, steps ...string) {
	t.Helper()
	var timeline e2e.Timeline
	require.Eventually(t, func() bool {
		var err error
		timeline, err = s.Client.OrderTimeline(context.Background(), trackingID)
		return err == nil && slices.Equal(steps, timeline.StepNames())
	}, sagaTimeout, 20*time.Millisecond, "timeline of %s is %v; last seen %v", trackingID, steps, timeline.StepNames())
	assert.True(t, timeline.Complete)
	for i := 1; i < len(timeline.Steps); i++ {
		assert.False(t, timeline.Steps[i].At.Before(timeline.Steps[i-1].At), "%s comes before %s",
			timeline.Steps[i].Step, timeline.Steps[i-1].Step)
	}
}

// placeAndFollow sends the order, checks the 201, and follows the order to a
// final status, returning it with the statuses observed on the way.
func placeAndFollow(t *testing.T, s *e2e.System, req e2e.OrderRequest) (e2e.TrackedOrder, []kernel.OrderStatus) {
	t.Helper()
	ctx := context.Background()
	created, err := s.Client.CreateOrder(ctx, req)
	require.NoError(t, err)
	require.Equal(t, kernel.OrderStatusPending, created.OrderStatus)
	require.Equal(t, "Order created successfully", created.Message)

	var observed []kernel.OrderStatus
	order, err := s.Client.Follow(ctx, created.OrderTrackingID, sagaTimeout, func(o e2e.Observation) {
		observed = append(observed, o.Order.OrderStatus)
	})
	require.NoError(t, err)
	require.Equal(t, created.OrderTrackingID, order.OrderTrackingID)
	t.Logf("order %s: observed %v", order.OrderID, observed)
	return order, observed
}

// requireObservedPath checks that the statuses seen while polling follow the
// path in its order and end with its last status. A status shorter than the
// poll interval may have passed unseen, so gaps are allowed.
func requireObservedPath(t *testing.T, observed []kernel.OrderStatus, path ...kernel.OrderStatus) {
	t.Helper()
	require.NotEmpty(t, observed)
	require.Equal(t, path[len(path)-1], observed[len(observed)-1], "final status (observed %v)", observed)
	next := 0
	for _, status := range observed {
		i := slices.Index(path[next:], status)
		require.GreaterOrEqual(t, i, 0, "status %s out of the path %v (observed %v)", status, path, observed)
		next += i + 1
	}
}

func credit(t *testing.T, s *e2e.System, customer kernel.CustomerID) e2e.CustomerCredit {
	t.Helper()
	c, err := s.Client.CustomerCredit(context.Background(), customer)
	require.NoError(t, err)
	return c
}

// movements writes history entries as "TYPE amount".
func movements(ms []e2e.CreditMovement) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Type + " " + m.Amount.String()
	}
	return out
}
