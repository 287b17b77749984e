package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

const (
	pending    = kernel.OrderStatusPending
	paid       = kernel.OrderStatusPaid
	approved   = kernel.OrderStatusApproved
	cancelling = kernel.OrderStatusCancelling
	cancelled  = kernel.OrderStatusCancelled
)

func TestFollowsPath(t *testing.T) {
	refund := []kernel.OrderStatus{pending, paid, cancelling, cancelled}
	tests := []struct {
		name     string
		observed []kernel.OrderStatus
		ok       bool
		missed   []kernel.OrderStatus
	}{
		{"every status seen", refund, true, nil},
		{"a short status passed unseen", []kernel.OrderStatus{pending, paid, cancelled}, true, []kernel.OrderStatus{cancelling}},
		{"only the end seen", []kernel.OrderStatus{cancelled}, true, []kernel.OrderStatus{pending, paid, cancelling}},
		{"ends elsewhere", []kernel.OrderStatus{pending, paid, approved}, false, nil},
		{"stops before the end", []kernel.OrderStatus{pending, paid, cancelling}, false, nil},
		{"goes backwards", []kernel.OrderStatus{pending, paid, pending, cancelled}, false, nil},
		{"nothing seen", nil, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, missed := followsPath(tt.observed, refund)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.missed, missed)
		})
	}
}

// credit builds a customer's credit from movements such as "CREDIT 500.00";
// ids are numbered, so the same movement in two credits is the same entry.
func credit(total string, movements ...string) e2e.CustomerCredit {
	c := e2e.CustomerCredit{CustomerID: e2e.SampleCustomerID, TotalCreditAmount: kernel.MustParseMoney(total)}
	for i, m := range movements {
		typ, amount, _ := strings.Cut(m, " ")
		id := kernel.MustParseID[kernel.CreditHistoryID](fmt.Sprintf("00000000-0000-0000-0000-%012d", i+1))
		c.History = append(c.History, e2e.CreditMovement{ID: id, Type: typ, Amount: kernel.MustParseMoney(amount)})
	}
	return c
}

func verdicts(checks []check) []bool {
	v := make([]bool, len(checks))
	for i, c := range checks {
		v[i] = c.ok
	}
	return v
}

func TestApprovedChecksReadTheOutcome(t *testing.T) {
	p := walkthrough()[0]
	orderID := kernel.NewID[kernel.OrderID]()
	good := outcome{
		path:     p,
		order:    e2e.TrackedOrder{OrderID: orderID, OrderStatus: approved, FailureMessages: []string{}},
		before:   credit("500.00", "CREDIT 500.00"),
		after:    credit("300.00", "CREDIT 500.00", "DEBIT 200.00"),
		approval: e2e.OrderApproval{OrderID: orderID, OrderApprovalStatus: kernel.OrderApprovalStatusApproved},
	}
	assert.Equal(t, []bool{true, true, true}, verdicts(approvedChecks(good)))
	assert.Equal(t, "credit of ...cfb41 500.00 → 300.00 (-200.00); new history: DEBIT 200.00", approvedChecks(good)[1].text)

	debitedTwice := good
	debitedTwice.after = credit("100.00", "CREDIT 500.00", "DEBIT 200.00", "DEBIT 200.00")
	assert.Equal(t, []bool{true, false, true}, verdicts(approvedChecks(debitedTwice)))

	historyOff := good
	historyOff.after = credit("300.00", "CREDIT 500.00", "DEBIT 200.00", "DEBIT 1.00")
	assert.False(t, approvedChecks(historyOff)[1].ok, "a history that does not add up to the credit fails")

	rejected := good
	rejected.approval.OrderApprovalStatus = kernel.OrderApprovalStatusRejected
	assert.Equal(t, []bool{true, true, false}, verdicts(approvedChecks(rejected)))

	cancelledOrder := good
	cancelledOrder.order.OrderStatus = cancelled
	assert.Equal(t, []bool{false, true, true}, verdicts(approvedChecks(cancelledOrder)))
}

func TestPaymentFailedChecksWantNoApproval(t *testing.T) {
	p := walkthrough()[1]
	notFound := &e2e.APIError{Status: http.StatusNotFound, Code: "not_found", Message: "no approval"}
	good := outcome{
		path: p,
		order: e2e.TrackedOrder{OrderStatus: cancelled, FailureMessages: []string{
			"Customer with id=" + e2e.LowCreditCustomerID.String() + " doesn't have enough credit for payment!"}},
		before:      credit("100.00", "CREDIT 100.00"),
		after:       credit("100.00", "CREDIT 100.00"),
		approvalErr: notFound,
	}
	assert.Equal(t, []bool{true, true, true}, verdicts(paymentFailedChecks(good)))

	asked := good
	asked.approvalErr = nil
	asked.approval = e2e.OrderApproval{OrderApprovalStatus: kernel.OrderApprovalStatusApproved}
	assert.Equal(t, []bool{true, true, false}, verdicts(paymentFailedChecks(asked)))

	otherReason := good
	otherReason.order.FailureMessages = []string{"Product with id: x is not available"}
	assert.Equal(t, []bool{false, true, true}, verdicts(paymentFailedChecks(otherReason)))
}

func TestRefundedChecksWantDebitThenCredit(t *testing.T) {
	p := walkthrough()[2]
	msg := "Product with id: " + e2e.UnavailableProductID.String() + " is not available"
	orderID := kernel.NewID[kernel.OrderID]()
	good := outcome{
		path:   p,
		order:  e2e.TrackedOrder{OrderID: orderID, OrderStatus: cancelled, FailureMessages: []string{msg}},
		before: credit("300.00", "CREDIT 300.00"),
		after:  credit("300.00", "CREDIT 300.00", "DEBIT 50.00", "CREDIT 50.00"),
		approval: e2e.OrderApproval{OrderID: orderID, OrderApprovalStatus: kernel.OrderApprovalStatusRejected,
			FailureMessages: []string{msg}},
	}
	assert.Equal(t, []bool{true, true, true}, verdicts(refundedChecks(good)))

	notRefunded := good
	notRefunded.after = credit("250.00", "CREDIT 300.00", "DEBIT 50.00")
	assert.Equal(t, []bool{true, false, true}, verdicts(refundedChecks(notRefunded)))
}

func TestStatusCheckNamesUnseenStatuses(t *testing.T) {
	at := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	o := outcome{path: walkthrough()[2], sent: at, observed: []e2e.Observation{
		{At: at.Add(5 * time.Millisecond), Order: e2e.TrackedOrder{OrderStatus: pending}},
		{At: at.Add(30 * time.Millisecond), Order: e2e.TrackedOrder{OrderStatus: paid}},
		{At: at.Add(70 * time.Millisecond), Order: e2e.TrackedOrder{OrderStatus: cancelled}},
	}}

	c := statusCheck(o, 20*time.Millisecond)

	assert.True(t, c.ok)
	assert.Equal(t, "statuses seen: PENDING → PAID → CANCELLED (CANCELLING passed between two polls 20ms apart)", c.text)
	assert.Equal(t, "0.070s", seconds(o.sagaTime()))
}

func TestTimelineCheckWantsThePathsSteps(t *testing.T) {
	p := walkthrough()[1]
	steps := func(names ...string) e2e.Timeline {
		tl := e2e.Timeline{Complete: true}
		for _, n := range names {
			tl.Steps = append(tl.Steps, e2e.TimelineStep{Step: n})
		}
		return tl
	}

	ok := timelineCheck(outcome{path: p, timeline: steps("created", "payment_requested", "payment_failed", "cancelled")})
	assert.True(t, ok.ok)
	assert.Equal(t, "timeline: created → payment_requested → payment_failed → cancelled", ok.text)

	assert.False(t, timelineCheck(outcome{path: p, timeline: steps("created", "cancelled")}).ok, "steps missing")
	assert.False(t, timelineCheck(outcome{path: p, timelineErr: fmt.Errorf("GET timeline: 404")}).ok)
}

func TestPrintTimelineShowsEachStepFromTheOrdersCreation(t *testing.T) {
	at := time.Date(2026, 5, 1, 10, 30, 0, 0, time.Local)
	var out strings.Builder

	printTimeline(&out, e2e.Timeline{Steps: []e2e.TimelineStep{
		{Step: "created", At: at, Detail: "order placed PENDING"},
		{Step: "payment_requested", At: at.Add(15 * time.Millisecond), Detail: "payment request published to payment-service"},
	}})

	assert.Equal(t, "  saga timeline (GET /orders/{trackingId}/timeline):\n"+
		"    10:30:00.000  +0.000s  created             order placed PENDING\n"+
		"    10:30:00.015  +0.015s  payment_requested   payment request published to payment-service\n", out.String())
}
