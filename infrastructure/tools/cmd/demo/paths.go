package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// path is one of the walkthrough's three orders: what is sent, the statuses
// it should pass through, and the final checks that say whether it ended as
// the walkthrough says.
type path struct {
	title    string
	customer kernel.CustomerID
	order    e2e.OrderRequest
	want     []kernel.OrderStatus
	// steps are the steps of its saga's timeline, in order.
	steps []string
	// checks judges the outcome, from what the three services answered.
	checks func(o outcome) []check
}

// outcome is what the services answered about one order: its end in
// order-service, the customer's credit before and after in payment-service,
// and the approval in restaurant-service (approvalErr when there is none).
type outcome struct {
	path        path
	order       e2e.TrackedOrder
	observed    []e2e.Observation
	sent        time.Time
	before      e2e.CustomerCredit
	after       e2e.CustomerCredit
	approval    e2e.OrderApproval
	approvalErr error
	timeline    e2e.Timeline
	timelineErr error
}

// sagaTime is the time from the POST to the first sight of the final status.
func (o outcome) sagaTime() time.Duration {
	if len(o.observed) == 0 {
		return 0
	}
	return o.observed[len(o.observed)-1].At.Sub(o.sent)
}

// check is one verdict of the final checks, for one service.
type check struct {
	service string
	text    string
	ok      bool
}

// walkthrough returns the three orders of the walkthrough.
func walkthrough() []path {
	unavailable := e2e.UnavailableProductOrder(e2e.SampleCustomerID, 2)
	return []path{
		{
			title:    "the sample order: customer " + short(e2e.SampleCustomerID) + ", restaurant " + short(e2e.SampleRestaurantID) + ", 1 + 3 × product " + short(e2e.AvailableProductID) + " at 50.00",
			customer: e2e.SampleCustomerID,
			order:    e2e.SampleOrder(e2e.SampleCustomerID),
			want:     []kernel.OrderStatus{kernel.OrderStatusPending, kernel.OrderStatusPaid, kernel.OrderStatusApproved},
			steps:    []string{"created", "payment_requested", "paid", "approval_requested", "approved"},
			checks:   approvedChecks,
		},
		{
			title:    "the same order from customer " + short(e2e.LowCreditCustomerID) + ", who has too little credit",
			customer: e2e.LowCreditCustomerID,
			order:    e2e.SampleOrder(e2e.LowCreditCustomerID),
			want:     []kernel.OrderStatus{kernel.OrderStatusPending, kernel.OrderStatusCancelled},
			steps:    []string{"created", "payment_requested", "payment_failed", "cancelled"},
			checks:   paymentFailedChecks,
		},
		{
			title:    "customer " + short(e2e.SampleCustomerID) + " orders 2 × product " + short(e2e.UnavailableProductID) + " at 25.00, which is not available",
			customer: e2e.SampleCustomerID,
			order:    unavailable,
			want: []kernel.OrderStatus{kernel.OrderStatusPending, kernel.OrderStatusPaid, kernel.OrderStatusCancelling,
				kernel.OrderStatusCancelled},
			steps: []string{"created", "payment_requested", "paid", "approval_requested", "rejected", "refund_requested",
				"refunded", "cancelled"},
			checks: refundedChecks,
		},
	}
}

// approvedChecks: APPROVED; the price debited once; the restaurant approved.
func approvedChecks(o outcome) []check {
	price := o.path.order.Price
	return []check{
		orderCheck(o, kernel.OrderStatusApproved, func(msgs []string) bool { return len(msgs) == 0 }),
		creditCheck(o, o.before.TotalCreditAmount.Subtract(price), e2e.Debit+" "+price.String()),
		approvalCheck(o, kernel.OrderApprovalStatusApproved, ""),
	}
}

// paymentFailedChecks: CANCELLED because the credit did not cover the
// price; no money moved; the restaurant was never asked.
func paymentFailedChecks(o outcome) []check {
	noCredit := func(msgs []string) bool {
		return len(msgs) > 0 && strings.Contains(msgs[0], o.path.customer.String()) && strings.Contains(msgs[0], "enough credit")
	}
	c := check{service: "restaurant-service", ok: e2e.IsNotFound(o.approvalErr)}
	switch {
	case c.ok:
		c.text = "no order_approval: the restaurant was never asked"
	case o.approvalErr != nil:
		c.text = "order_approval: " + o.approvalErr.Error()
	default:
		c.text = "order_approval " + string(o.approval.OrderApprovalStatus) + ", but the restaurant should never have been asked"
	}
	return []check{
		orderCheck(o, kernel.OrderStatusCancelled, noCredit),
		creditCheck(o, o.before.TotalCreditAmount),
		c,
	}
}

// refundedChecks: CANCELLED with the product's message; debited and credited
// back; the restaurant rejected the order with the same message.
func refundedChecks(o outcome) []check {
	msg := "Product with id: " + e2e.UnavailableProductID.String() + " is not available"
	price := o.path.order.Price
	return []check{
		orderCheck(o, kernel.OrderStatusCancelled, func(msgs []string) bool { return slices.Contains(msgs, msg) }),
		creditCheck(o, o.before.TotalCreditAmount, e2e.Debit+" "+price.String(), e2e.Credit+" "+price.String()),
		approvalCheck(o, kernel.OrderApprovalStatusRejected, msg),
	}
}

func orderCheck(o outcome, want kernel.OrderStatus, messagesOK func([]string) bool) check {
	text := fmt.Sprintf("order %s %s, failure messages: %s", o.order.OrderID, o.order.OrderStatus, quoted(o.order.FailureMessages))
	return check{service: "order-service", text: text, ok: o.order.OrderStatus == want && messagesOK(o.order.FailureMessages)}
}

// creditCheck compares the credit after the order with want, and the new
// history entries with movements ("DEBIT 200.00"), in order.
func creditCheck(o outcome, want kernel.Money, movements ...string) check {
	var added []string
	for _, m := range o.after.MovementsSince(o.before) {
		added = append(added, m.Type+" "+m.Amount.String())
	}
	change := o.after.TotalCreditAmount.Subtract(o.before.TotalCreditAmount)
	sign := "+"
	if change.IsNegative() {
		sign = ""
	}
	history := "none"
	if len(added) > 0 {
		history = strings.Join(added, ", ")
	}
	text := fmt.Sprintf("credit of %s %s → %s (%s%s); new history: %s", short(o.path.customer),
		o.before.TotalCreditAmount, o.after.TotalCreditAmount, sign, change, history)
	ok := o.after.TotalCreditAmount.Equal(want) && slices.Equal(added, movements) &&
		o.after.HistoryBalance().Equal(o.after.TotalCreditAmount)
	if !o.after.HistoryBalance().Equal(o.after.TotalCreditAmount) {
		text += fmt.Sprintf("; the history adds up to %s", o.after.HistoryBalance())
	}
	return check{service: "payment-service", text: text, ok: ok}
}

// approvalCheck wants the approval in status, with message among its
// failure messages when message is not empty (and none otherwise).
func approvalCheck(o outcome, want kernel.OrderApprovalStatus, message string) check {
	if o.approvalErr != nil {
		return check{service: "restaurant-service", text: "order_approval: " + o.approvalErr.Error()}
	}
	a := o.approval
	text := fmt.Sprintf("order_approval %s, failure messages: %s", a.OrderApprovalStatus, quoted(a.FailureMessages))
	messagesOK := len(a.FailureMessages) == 0
	if message != "" {
		messagesOK = slices.Contains(a.FailureMessages, message)
	}
	return check{service: "restaurant-service", text: text, ok: a.OrderApprovalStatus == want && a.OrderID == o.order.OrderID && messagesOK}
}

// statusCheck says whether the statuses seen while polling kept to the
// path, naming those that passed unseen.
func statusCheck(o outcome, interval time.Duration) check {
	seen := make([]kernel.OrderStatus, len(o.observed))
	for i, obs := range o.observed {
		seen[i] = obs.Order.OrderStatus
	}
	ok, missed := followsPath(seen, o.path.want)
	text := "statuses seen: " + arrows(seen)
	if len(missed) > 0 {
		text += fmt.Sprintf(" (%s passed between two polls %s apart)", strings.Join(statusStrings(missed), ", "), interval)
	}
	return check{service: "order-service", text: text, ok: ok}
}

// timelineCheck wants the saga's timeline, as order-service tells it, to
// list the path's steps in order.
func timelineCheck(o outcome) check {
	if o.timelineErr != nil {
		return check{service: "order-service", text: "timeline: " + o.timelineErr.Error()}
	}
	text := "timeline: " + strings.Join(o.timeline.StepNames(), " → ")
	if !o.timeline.Complete {
		text += " (incomplete: the saga's outbox rows were cleaned away)"
	}
	return check{service: "order-service", text: text, ok: slices.Equal(o.timeline.StepNames(), o.path.steps)}
}

// followsPath reports whether the observed statuses keep to want's order and
// end with its last status; missed lists the statuses of want that were not
// seen (a status shorter than the poll interval can pass unseen).
func followsPath(observed, want []kernel.OrderStatus) (ok bool, missed []kernel.OrderStatus) {
	if len(observed) == 0 || len(want) == 0 || observed[len(observed)-1] != want[len(want)-1] {
		return false, nil
	}
	next := 0
	for _, s := range observed {
		i := slices.Index(want[next:], s)
		if i < 0 {
			return false, nil
		}
		missed = append(missed, want[next:next+i]...)
		next += i + 1
	}
	return true, missed
}

// arrows writes statuses as PENDING → PAID → APPROVED.
func arrows(statuses []kernel.OrderStatus) string {
	return strings.Join(statusStrings(statuses), " → ")
}

func statusStrings(statuses []kernel.OrderStatus) []string {
	s := make([]string, len(statuses))
	for i, st := range statuses {
		s[i] = string(st)
	}
	return s
}

// short writes an id as its last five characters, as the walkthrough does
// (...cfb41).
func short(id fmt.Stringer) string {
	s := id.String()
	if len(s) <= 5 {
		return s
	}
	return "..." + s[len(s)-5:]
}

func quoted(msgs []string) string {
	if len(msgs) == 0 {
		return "none"
	}
	q := make([]string, len(msgs))
	for i, m := range msgs {
		q[i] = fmt.Sprintf("%q", m)
	}
	return strings.Join(q, ", ")
}

// seconds writes a duration as seconds with milliseconds: 0.512s.
func seconds(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }
