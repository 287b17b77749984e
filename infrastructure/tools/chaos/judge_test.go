package chaos

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/common/kernel"
)

var (
	price200 = kernel.MustParseMoney("200.00")
	price50  = kernel.MustParseMoney("50.00")
)

// healthy is what a system that keeps every guarantee leaves behind: one
// order of each path, each settled as its path intends, the answers sent,
// nothing parked.
func healthy() Facts {
	approvedID, refundedID := uuid.New(), uuid.New()
	return Facts{
		Orders: []OrderFacts{
			{TrackingID: kernel.NewID[kernel.TrackingID](), Path: PathApproved, Found: true, Price: price200,
				Status: kernel.OrderStatusApproved, Movements: []Movement{{"DEBIT", price200}}, Approval: "APPROVED"},
			{TrackingID: kernel.NewID[kernel.TrackingID](), Path: PathRefunded, Placement: Replayed, Found: true, Price: price50,
				Status: kernel.OrderStatusCancelled, FailureMessages: []string{"Product with id: " + uuid.NewString() + " is not available"},
				Movements: []Movement{{"DEBIT", price50}, {"CREDIT", price50}}, Approval: "REJECTED"},
			{TrackingID: kernel.NewID[kernel.TrackingID](), Path: PathRefused, Placement: CreatedByReplay, Found: true, Price: price200,
				Status:          kernel.OrderStatusCancelled,
				FailureMessages: []string{"Customer with id=" + uuid.NewString() + " doesn't have enough credit for payment!"}},
		},
		Balances:   []Balance{{Customer: kernel.NewID[kernel.CustomerID](), Credit: price50, History: price50}},
		FailedRows: map[string]int{`"order".payment_outbox`: 0},
		Withdrawn:  []uuid.UUID{uuid.New()},
		Sent:       map[uuid.UUID]bool{approvedID: true, refundedID: true},
		Published:  []uuid.UUID{approvedID, refundedID},
	}
}

func TestJudgePassesAHealthySystem(t *testing.T) {
	v := Judge(healthy(), Expectations{})

	assert.True(t, v.OK(), "problems: %v", v.Problems)
	assert.Equal(t, 3, v.Accepted)
	assert.Equal(t, 2, v.Unanswered, "a replayed and a replay-created order")
	assert.Equal(t, 1, v.CreatedByReplay)
	assert.Equal(t, 1, v.Approved)
	assert.Equal(t, 2, v.Cancelled)
	assert.Zero(t, v.OffPath)
	assert.Zero(t, v.Ledger)
}

// A system that cancels every order keeps the money right, yet fails: the
// approved-path order ended off its path, and the refunded one for a reason
// other than the restaurant's.
func TestJudgeFailsASystemThatCancelsEverything(t *testing.T) {
	f := healthy()
	for i := range f.Orders {
		f.Orders[i].Status = kernel.OrderStatusCancelled
		f.Orders[i].FailureMessages = []string{"Payment was not answered in time"}
		f.Orders[i].Movements = nil
		f.Orders[i].Approval = ""
	}

	v := Judge(f, Expectations{})

	assert.False(t, v.OK())
	assert.Equal(t, 3, v.Cancelled)
	assert.Equal(t, 3, v.OffPath)
	assert.Zero(t, v.Excused)
	assert.Equal(t, map[string]int{"Payment was not answered in time": 3}, v.Why)
	assert.Contains(t, v.Problems, "3 orders ended off their path without an excuse")
	assert.Zero(t, v.Ledger, "nothing was charged, so the money agrees")

	t.Run("unless the fault excuses it", func(t *testing.T) {
		v := Judge(f, Expectations{Excuses: []string{"Payment was not answered in time"}})
		assert.True(t, v.OK(), "problems: %v", v.Problems)
		assert.Equal(t, 3, v.Excused)
	})
}

func TestJudgeFailsAnOrderChargedTwice(t *testing.T) {
	f := healthy()
	f.Orders[0].Movements = append(f.Orders[0].Movements, Movement{"DEBIT", price200})

	v := Judge(f, Expectations{})

	assert.False(t, v.OK())
	assert.Equal(t, 1, v.Ledger)
	assert.Zero(t, v.OffPath, "it ended APPROVED, on its path")
	assert.True(t, strings.HasPrefix(v.Problems[0], "the ledger disagrees 1 times (order "), v.Problems[0])
}

func TestJudgeFailsAWithdrawnRequestThatWasSent(t *testing.T) {
	f := healthy()
	f.Sent[f.Withdrawn[0]] = true

	v := Judge(f, Expectations{})

	assert.False(t, v.OK())
	assert.Equal(t, 1, v.WithdrawnSent)
	assert.Equal(t, []string{"1 withdrawn requests were sent"}, v.Problems)
}

func TestJudgeFailsARequestMarkedPublishedButNeverSent(t *testing.T) {
	f := healthy()
	f.Published = append(f.Published, uuid.New())

	v := Judge(f, Expectations{})

	assert.False(t, v.OK())
	assert.Equal(t, []string{"1 requests marked published are not on their topic"}, v.Problems)
}

func TestJudgeChecksEachOrdersMoneyAndRestaurant(t *testing.T) {
	tests := map[string]struct {
		change func(o *OrderFacts)
	}{
		"approved but never charged":           {func(o *OrderFacts) { o.Movements = nil }},
		"approved and refunded":                {func(o *OrderFacts) { o.Movements = append(o.Movements, Movement{"CREDIT", price200}) }},
		"approved for another price":           {func(o *OrderFacts) { o.Movements = []Movement{{"DEBIT", price50}} }},
		"approved but the restaurant rejected": {func(o *OrderFacts) { o.Approval = "REJECTED" }},
		"cancelled, charged, not refunded": {func(o *OrderFacts) {
			o.Status, o.FailureMessages, o.Approval = kernel.OrderStatusCancelled, []string{"Restaurant approval was not answered in time"}, ""
		}},
		"cancelled while the restaurant still approves": {func(o *OrderFacts) {
			o.Status, o.FailureMessages = kernel.OrderStatusCancelled, []string{"Restaurant approval was not answered in time"}
			o.Movements = append(o.Movements, Movement{"CREDIT", price200})
		}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := healthy()
			tt.change(&f.Orders[0])
			v := Judge(f, Expectations{Excuses: []string{"Restaurant approval was not answered in time"}})
			assert.False(t, v.OK())
			assert.Equal(t, 1, v.Ledger, "problems: %v", v.Problems)
		})
	}
	t.Run("cancelled after the restaurant was told", func(t *testing.T) {
		f := healthy()
		o := &f.Orders[0]
		o.Status, o.FailureMessages, o.Approval = kernel.OrderStatusCancelled, []string{"Restaurant approval was not answered in time"}, "CANCELLED"
		o.Movements = append(o.Movements, Movement{"CREDIT", price200})
		v := Judge(f, Expectations{Excuses: []string{"Restaurant approval was not answered in time"}})
		assert.True(t, v.OK(), "problems: %v", v.Problems)
	})
}

func TestJudgeCountsWhatWasParkedOrLeftOpen(t *testing.T) {
	f := healthy()
	f.Orders[1].Status = kernel.OrderStatusCancelling
	f.Orders[2].Found = false
	f.Orders = append(f.Orders, OrderFacts{Path: PathApproved, Placement: Unplaced})
	f.FailedRows[`payment.order_outbox`] = 2
	f.FailedSagas = 1
	f.DeadLetters = []DeadLetter{{Topic: "payment-request.dlq", Key: "planted-1"}, {Topic: "payment-request.dlq", Key: "saga"}}
	f.Balances[0].History = price200
	f.UnknownOrders = 1
	f.Rejected = 1

	v := Judge(f, Expectations{Planted: func(key string) bool { return strings.HasPrefix(key, "planted-") }})

	assert.Equal(t, 1, v.Stuck)
	assert.Equal(t, 1, v.Lost)
	assert.Equal(t, 2, v.Parked)
	assert.Equal(t, 1, v.FailedSagas)
	assert.Equal(t, 1, v.DeadLetters, "the planted record is expected")
	assert.Equal(t, 1, v.Planted)
	assert.Equal(t, 1, v.Ledger, "the customer's balance")
	assert.Equal(t, 3, v.Unanswered)
	assert.Len(t, v.Problems, 9, "%v", v.Problems)
}

func TestJudgeFailsAnOrderOfAnotherPathApproved(t *testing.T) {
	f := healthy()
	o := &f.Orders[2]
	o.Status, o.FailureMessages, o.Movements, o.Approval = kernel.OrderStatusApproved, nil, []Movement{{"DEBIT", price200}}, "APPROVED"

	v := Judge(f, Expectations{Excuses: []string{"Payment was not answered in time"}})

	assert.False(t, v.OK())
	assert.Equal(t, 1, v.OffPath)
	assert.Equal(t, map[string]int{"APPROVED (refused path)": 1}, v.Why)
}
