package chaos

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/food-ordering-system/common/kernel"
)

// Path is the outcome an order of the stream is built for.
type Path string

// The three paths of the stream.
const (
	// PathApproved: enough credit, available products; it must end APPROVED.
	PathApproved Path = "approved"
	// PathRefunded: paid, then refused by the restaurant (an unavailable
	// product) and refunded; it ends CANCELLED with the money back.
	PathRefunded Path = "refunded"
	// PathRefused: refused for credit; it ends CANCELLED with nothing taken.
	PathRefused Path = "refused"
)

// pathReasons are the failure messages (a part of them) by which a cancelled
// order shows that it ended on its path: the restaurant's refusal, the
// payment's refusal. A cancellation for any other reason is off the path.
var pathReasons = map[Path]string{
	PathRefunded: "is not available",
	PathRefused:  "doesn't have enough credit",
}

// Placement is how the stream learnt of an order.
type Placement int

const (
	// Answered: POST /orders answered 201.
	Answered Placement = iota
	// Replayed: the POST got no answer; the same POST with the same
	// Idempotency-Key answered the first order (Idempotent-Replayed).
	Replayed
	// CreatedByReplay: the POST got no answer and its order was never
	// committed; the replay created it.
	CreatedByReplay
	// Unplaced: the POST got no answer and neither did any replay, so
	// whether the order exists is unknown.
	Unplaced
)

// Movement is one credit history entry of payment-service.
type Movement struct {
	Type   string // DEBIT or CREDIT
	Amount kernel.Money
}

// OrderFacts is what the databases say about one order of the stream.
type OrderFacts struct {
	TrackingID kernel.TrackingID
	Path       Path
	Placement  Placement
	// Found is whether order-service has the order; the fields below are
	// read only then.
	Found           bool
	OrderID         kernel.OrderID
	Price           kernel.Money
	Status          kernel.OrderStatus
	FailureMessages []string
	// Movements are payment-service's credit history entries that name the
	// order.
	Movements []Movement
	// Approval is restaurant-service's order_approval status of the order,
	// "" when the restaurant has no row for it.
	Approval string
}

// Balance is one customer's credit beside what its history adds up to.
type Balance struct {
	Customer kernel.CustomerID
	Credit   kernel.Money
	History  kernel.Money
}

// DeadLetter is one record a service parked on a dead-letter topic during
// the scenario.
type DeadLetter struct {
	Topic  string
	Key    string
	Reason string
}

// Facts is everything the judge reads about one scenario: the orders of its
// stream and the traces a fault may have left in the databases and topics.
// collect reads it from a running system; a test can build it by hand.
type Facts struct {
	Orders []OrderFacts
	// Rejected is how many of the stream's valid orders were answered 4xx.
	Rejected int
	// UnknownOrders are orders of the stream's customers that no answer of
	// order-service told the stream of: a second order for one request.
	UnknownOrders int
	// StrayMovements are credit history entries of the stream's customers
	// that name no order of the stream, besides each customer's initial
	// credit.
	StrayMovements int
	Balances       []Balance
	// FailedRows counts the outbox rows of the stream's orders that ended
	// FAILED, by table.
	FailedRows map[string]int
	// FailedSagas counts the sagas of the stream's orders that ended FAILED.
	FailedSagas int
	// DeadLetters were parked during the scenario.
	DeadLetters []DeadLetter
	// Withdrawn are the ids of order-service's WITHDRAWN request rows of the
	// stream's orders that were never sent (a row sent again for want of an
	// answer, then withdrawn when the answer came, went out before under the
	// same id); Sent are the message ids found on the request topics.
	Withdrawn []uuid.UUID
	Sent      map[uuid.UUID]bool
	// Published are the ids of order-service's request rows of the stream's
	// orders marked COMPLETED: each must be on its topic.
	Published []uuid.UUID
}

// Expectations are what a scenario's fault makes legitimate.
type Expectations struct {
	// Excuses are failure messages that make a cancellation off the path
	// legitimate under the fault (a deadline that a stopped service could
	// not meet).
	Excuses []string
	// Planted reports whether a dead letter's key is one the scenario sent
	// to be parked; nil when it sent none.
	Planted func(key string) bool
}

// Verdict is the judgement of one scenario: counts for the table and every
// broken guarantee in Problems.
type Verdict struct {
	// Accepted is how many orders were judged: answered 201, or looked up by
	// replaying a POST that got no answer.
	Accepted int
	// Unanswered counts the POSTs that got no answer; CreatedByReplay those
	// of them whose order only the replay created.
	Unanswered      int
	CreatedByReplay int
	Approved        int
	Cancelled       int
	// OffPath counts orders that ended other than their path; Excused those
	// of them cancelled for a reason the scenario allows.
	OffPath int
	Excused int
	// Why counts the failure messages of the orders off their path (ids
	// masked), or their status when they have none.
	Why   map[string]int
	Stuck int
	Lost  int
	// Ledger counts the orders whose money or restaurant disagrees with
	// their status, and the customers whose credit disagrees with their
	// history.
	Ledger int
	Parked int
	// DeadLetters counts the records parked that the scenario did not plant;
	// Planted those it did.
	DeadLetters   int
	Planted       int
	FailedSagas   int
	WithdrawnSent int
	// Unsent counts requests marked published that are not on their topic.
	Unsent   int
	Problems []string
}

// OK reports whether every guarantee held.
func (v Verdict) OK() bool { return len(v.Problems) == 0 && v.Accepted > 0 }

// Judge decides whether the facts of a scenario keep the saga's guarantees.
// Each order must end on its path (approved-path APPROVED, the others
// CANCELLED for their path's reason) unless the scenario excuses the
// cancellation; its money must match its status (APPROVED: one DEBIT of its
// price and no CREDIT; CANCELLED: nothing, or one DEBIT and one CREDIT of its
// price) and so must the restaurant (APPROVED: approval APPROVED; CANCELLED:
// no approval, REJECTED or CANCELLED). Nothing may stay open or go missing;
// no outbox row, saga or unplanted record may be parked; no withdrawn request
// may have been sent.
func Judge(f Facts, e Expectations) Verdict {
	v := Verdict{Why: map[string]int{}}
	var problems problemList
	unplaced, ledgerSamples := 0, []string{}
	for _, o := range f.Orders {
		switch o.Placement {
		case Unplaced:
			v.Unanswered++
			unplaced++
			continue
		case Replayed:
			v.Unanswered++
		case CreatedByReplay:
			v.Unanswered++
			v.CreatedByReplay++
		}
		v.Accepted++
		if !o.Found {
			v.Lost++
			continue
		}
		switch o.Status {
		case kernel.OrderStatusApproved:
			v.Approved++
		case kernel.OrderStatusCancelled:
			v.Cancelled++
		default:
			v.Stuck++
			continue
		}
		if !onPath(o) {
			v.OffPath++
			for _, why := range offPathReasons(o) {
				v.Why[why]++
			}
			if excused(o, e.Excuses) {
				v.Excused++
			}
		}
		if bad := ledgerOf(o); bad != "" {
			v.Ledger++
			ledgerSamples = append(ledgerSamples, bad)
		}
	}
	for _, b := range f.Balances {
		if !b.Credit.Equal(b.History) {
			v.Ledger++
			ledgerSamples = append(ledgerSamples, fmt.Sprintf("customer %s has %s of credit but its history adds up to %s",
				b.Customer, b.Credit, b.History))
		}
	}
	if f.StrayMovements > 0 {
		v.Ledger += f.StrayMovements
		ledgerSamples = append(ledgerSamples, fmt.Sprintf("%d credit movements name no order of the stream", f.StrayMovements))
	}
	for _, n := range f.FailedRows {
		v.Parked += n
	}
	v.FailedSagas = f.FailedSagas
	for _, d := range f.DeadLetters {
		if e.Planted != nil && e.Planted(d.Key) {
			v.Planted++
		} else {
			v.DeadLetters++
		}
	}
	for _, id := range f.Withdrawn {
		if f.Sent[id] {
			v.WithdrawnSent++
		}
	}
	for _, id := range f.Published {
		if !f.Sent[id] {
			v.Unsent++
		}
	}

	problems.add(v.Accepted == 0, "no order was accepted")
	problems.add(unplaced > 0, "%d orders got no answer, and no replay of their POST did either", unplaced)
	problems.add(f.Rejected > 0, "%d valid orders were refused with a 4xx", f.Rejected)
	problems.add(f.UnknownOrders > 0, "%d orders exist that no answer told of (a request created two orders)", f.UnknownOrders)
	problems.add(v.Stuck > 0, "%d orders did not end", v.Stuck)
	problems.add(v.Lost > 0, "%d accepted orders are missing", v.Lost)
	problems.add(v.OffPath > v.Excused, "%d orders ended off their path without an excuse", v.OffPath-v.Excused)
	problems.add(v.Ledger > 0, "the ledger disagrees %d times (%s)", v.Ledger, sample(ledgerSamples))
	problems.add(v.Parked > 0, "%d outbox rows FAILED (%s)", v.Parked, countsOf(f.FailedRows))
	problems.add(v.DeadLetters > 0, "%d records dead-lettered (%s)", v.DeadLetters, sampleLetters(f.DeadLetters, e.Planted))
	problems.add(v.FailedSagas > 0, "%d sagas FAILED", v.FailedSagas)
	problems.add(v.WithdrawnSent > 0, "%d withdrawn requests were sent", v.WithdrawnSent)
	problems.add(v.Unsent > 0, "%d requests marked published are not on their topic", v.Unsent)
	v.Problems = problems
	return v
}

// onPath reports whether a final order ended as its path intends.
func onPath(o OrderFacts) bool {
	switch o.Path {
	case PathApproved:
		return o.Status == kernel.OrderStatusApproved
	default:
		if o.Status != kernel.OrderStatusCancelled {
			return false
		}
		return slices.ContainsFunc(o.FailureMessages, func(m string) bool { return strings.Contains(m, pathReasons[o.Path]) })
	}
}

// excused reports whether an order off its path was cancelled for a reason
// the scenario allows.
func excused(o OrderFacts, excuses []string) bool {
	return o.Status == kernel.OrderStatusCancelled && slices.ContainsFunc(o.FailureMessages, func(m string) bool {
		return slices.Contains(excuses, m)
	})
}

// ids masks the ids in failure messages, so that the same reason counts once.
var ids = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// offPathReasons is why an order left its path: its failure messages, or its
// status when it has none (an order of another path APPROVED).
func offPathReasons(o OrderFacts) []string {
	if len(o.FailureMessages) == 0 {
		return []string{string(o.Status) + " (" + string(o.Path) + " path)"}
	}
	out := make([]string, len(o.FailureMessages))
	for i, m := range o.FailureMessages {
		out[i] = ids.ReplaceAllString(m, "<id>")
	}
	return out
}

// ledgerOf checks one final order's money and restaurant against its
// status, and says what disagrees ("" when nothing does).
func ledgerOf(o OrderFacts) string {
	var debits, credits []kernel.Money
	for _, m := range o.Movements {
		switch m.Type {
		case "DEBIT":
			debits = append(debits, m.Amount)
		case "CREDIT":
			credits = append(credits, m.Amount)
		}
	}
	paid := len(debits) == 1 && debits[0].Equal(o.Price)
	var bad []string
	switch o.Status {
	case kernel.OrderStatusApproved:
		if !paid || len(credits) != 0 {
			bad = append(bad, fmt.Sprintf("debits %v and credits %v", debits, credits))
		}
		if o.Approval != string(kernel.OrderApprovalStatusApproved) {
			bad = append(bad, fmt.Sprintf("restaurant approval %q", o.Approval))
		}
	case kernel.OrderStatusCancelled:
		refunded := paid && len(credits) == 1 && credits[0].Equal(o.Price)
		if !refunded && (len(debits) != 0 || len(credits) != 0) {
			bad = append(bad, fmt.Sprintf("debits %v and credits %v", debits, credits))
		}
		if o.Approval == string(kernel.OrderApprovalStatusApproved) {
			bad = append(bad, "restaurant approval still APPROVED")
		}
	}
	if len(bad) == 0 {
		return ""
	}
	return fmt.Sprintf("order %s %s of %s: %s", o.TrackingID, o.Status, o.Price, strings.Join(bad, ", "))
}

// problemList gathers the broken guarantees of a verdict.
type problemList []string

func (p *problemList) add(broken bool, format string, args ...any) {
	if broken {
		*p = append(*p, fmt.Sprintf(format, args...))
	}
}

// sample shows the first few of many findings.
func sample(findings []string) string {
	const shown = 3
	if len(findings) <= shown {
		return strings.Join(findings, "; ")
	}
	return strings.Join(findings[:shown], "; ") + fmt.Sprintf("; and %d more", len(findings)-shown)
}

func sampleLetters(letters []DeadLetter, planted func(string) bool) string {
	var out []string
	for _, d := range letters {
		if planted == nil || !planted(d.Key) {
			out = append(out, fmt.Sprintf("%s key %s: %s", d.Topic, d.Key, d.Reason))
		}
	}
	return sample(out)
}

// countsOf writes counts by name, most first: "3 Payment was not answered
// in time, 1 ...".
func countsOf(counts map[string]int) string {
	names := make([]string, 0, len(counts))
	for name, n := range counts {
		if n > 0 {
			names = append(names, name)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		if counts[names[i]] != counts[names[j]] {
			return counts[names[i]] > counts[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = fmt.Sprintf("%d %s", counts[name], name)
	}
	return strings.Join(parts, ", ")
}
