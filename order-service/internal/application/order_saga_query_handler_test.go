package application_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/application"
)

// at is the fixture's clock plus n seconds.
func at(n int) time.Time { return now.Add(time.Duration(n) * time.Second) }

// request is a saga request written at created and published at published
// (not yet when negative), in the given saga status.
func request(created, published int, status saga.Status) *application.SagaRequestRecord {
	r := &application.SagaRequestRecord{CreatedAt: at(created), OutboxStatus: outbox.StatusStarted, SagaStatus: status}
	if published >= 0 {
		p := at(published)
		r.PublishedAt, r.OutboxStatus = &p, outbox.StatusCompleted
	}
	return r
}

// history is an order placed at 0 and last changed at updated.
func history(status kernel.OrderStatus, updated int, failures ...string) *application.OrderSagaHistory {
	return &application.OrderSagaHistory{
		OrderID: kernel.NewID[kernel.OrderID](), OrderTrackingID: kernel.NewID[kernel.TrackingID](), OrderStatus: status,
		FailureMessages: failures, CreatedAt: at(0), UpdatedAt: at(updated),
	}
}

// step is a timeline entry without its detail, for comparing.
type step struct {
	Step string
	At   time.Time
}

func steps(entries []application.TimelineEntry) []step {
	out := make([]step, len(entries))
	for i, e := range entries {
		out[i] = step{e.Step, e.At}
		if e.Detail == "" {
			panic(fmt.Sprintf("step %s has no detail", e.Step))
		}
	}
	return out
}

func TestOrderTimelineReadsEachPathOffTheSagasRows(t *testing.T) {
	approved := history(kernel.OrderStatusApproved, 9)
	approved.Payment = request(0, 1, saga.StatusSucceeded)
	approved.Approval = request(3, 4, saga.StatusSucceeded)

	paymentFailed := history(kernel.OrderStatusCancelled, 5, "no credit", "no history")
	paymentFailed.Payment = request(0, 1, saga.StatusCompensated)

	refunded := history(kernel.OrderStatusCancelled, 9, "Product is not available")
	refunded.Payment = request(0, 1, saga.StatusCompensated)
	refunded.Approval = request(3, 4, saga.StatusCompensated)
	refunded.Refund = request(6, 7, saga.StatusCompensated)

	paymentTimedOut := history(kernel.OrderStatusCancelled, 99, application.PaymentTimedOutMessage)
	paymentTimedOut.Payment = request(0, 60, saga.StatusCompensated)
	paymentTimedOut.Payment.Resends = 2
	paymentTimedOut.Refund = request(90, 91, saga.StatusCompensated)

	approvalTimedOut := history(kernel.OrderStatusCancelling, 90, application.ApprovalTimedOutMessage)
	approvalTimedOut.Payment = request(0, 1, saga.StatusProcessing)
	approvalTimedOut.Approval = request(3, 4, saga.StatusCompensating)
	approvalTimedOut.Refund = request(90, -1, saga.StatusCompensating) // not published yet

	refundFailed := history(kernel.OrderStatusCancelling, 12, "restaurant closed", "refund refused")
	refundFailed.Payment = request(0, 1, saga.StatusFailed)
	refundFailed.Approval = request(3, 4, saga.StatusFailed)
	refundFailed.Refund = request(6, 7, saga.StatusFailed)

	pending := history(kernel.OrderStatusPending, 0)
	pending.Payment = request(0, -1, saga.StatusStarted)

	cleaned := history(kernel.OrderStatusApproved, 9) // the cleaner deleted its rows

	tests := []struct {
		name     string
		history  *application.OrderSagaHistory
		want     []step
		complete bool
	}{
		{"approved", approved, []step{{"created", at(0)}, {"payment_requested", at(1)}, {"paid", at(3)},
			{"approval_requested", at(4)}, {"approved", at(9)}}, true},
		{"payment failed", paymentFailed, []step{{"created", at(0)}, {"payment_requested", at(1)},
			{"payment_failed", at(5)}, {"cancelled", at(5)}}, true},
		{"rejected and refunded", refunded, []step{{"created", at(0)}, {"payment_requested", at(1)}, {"paid", at(3)},
			{"approval_requested", at(4)}, {"rejected", at(6)}, {"refund_requested", at(7)}, {"refunded", at(9)}, {"cancelled", at(9)}}, true},
		{"payment unanswered and refunded", paymentTimedOut, []step{{"created", at(0)}, {"payment_requested", at(60)},
			{"payment_timed_out", at(90)}, {"refund_requested", at(91)}, {"refunded", at(99)}, {"cancelled", at(99)}}, true},
		{"approval unanswered, refund on its way", approvalTimedOut, []step{{"created", at(0)}, {"payment_requested", at(1)},
			{"paid", at(3)}, {"approval_requested", at(4)}, {"approval_timed_out", at(90)}}, true},
		{"refund refused", refundFailed, []step{{"created", at(0)}, {"payment_requested", at(1)}, {"paid", at(3)},
			{"approval_requested", at(4)}, {"rejected", at(6)}, {"refund_requested", at(7)}, {"refund_failed", at(12)}}, true},
		{"pending, not published yet", pending, []step{{"created", at(0)}}, true},
		{"rows cleaned", cleaned, []step{{"created", at(0)}, {"approved", at(9)}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.history.EXPECT().FindByTrackingID(gomock.Any(), tt.history.OrderTrackingID).Return(tt.history, nil)

			resp, err := f.queries.OrderTimeline(context.Background(), application.OrderTimelineQuery{OrderTrackingID: tt.history.OrderTrackingID})

			require.NoError(t, err)
			assert.Equal(t, tt.want, steps(resp.Steps))
			assert.Equal(t, tt.complete, resp.Complete)
			assert.Equal(t, tt.history.OrderID, resp.OrderID)
			assert.Equal(t, tt.history.OrderStatus, resp.OrderStatus)
		})
	}
}

func TestOrderTimelineDetailsSayWhy(t *testing.T) {
	f := newFixture(t)
	h := history(kernel.OrderStatusCancelling, 12, "restaurant closed", "refund refused")
	h.Payment = request(0, 1, saga.StatusFailed)
	h.Payment.Resends = 1
	h.Approval = request(3, 4, saga.StatusFailed)
	h.Refund = request(6, 7, saga.StatusFailed)
	f.history.EXPECT().FindByTrackingID(gomock.Any(), h.OrderTrackingID).Return(h, nil)

	resp, err := f.queries.OrderTimeline(context.Background(), application.OrderTimelineQuery{OrderTrackingID: h.OrderTrackingID})

	require.NoError(t, err)
	details := map[string]string{}
	for _, e := range resp.Steps {
		details[e.Step] = e.Detail
	}
	assert.Equal(t, "payment request published to payment-service (sent again 1 time(s) for want of an answer)", details["payment_requested"])
	assert.Equal(t, "restaurant closed", details["rejected"])
	assert.Equal(t, "refund refused; saga FAILED, an operator must settle the order", details["refund_failed"])
}

func TestOrderTimelineOfAnUnknownOrderIsNotFound(t *testing.T) {
	f := newFixture(t)
	id := kernel.NewID[kernel.TrackingID]()
	f.history.EXPECT().FindByTrackingID(gomock.Any(), id).Return(nil, fmt.Errorf("orders: %w", kernel.ErrNotFound))

	_, err := f.queries.OrderTimeline(context.Background(), application.OrderTimelineQuery{OrderTrackingID: id})

	assert.Equal(t, kernel.ECodeNotFound, kernel.ErrorCodeOf(err))
	assert.Equal(t, "Could not find order with tracking id: "+id.String(), kernel.ErrorMessageOf(err))
}

var openStatuses = []kernel.OrderStatus{kernel.OrderStatusPending, kernel.OrderStatusPaid, kernel.OrderStatusCancelling}

func TestStuckSagasSayWhatEachWaitsFor(t *testing.T) {
	f := newFixture(t)
	pending := history(kernel.OrderStatusPending, 0)
	pending.Payment = request(0, 1, saga.StatusStarted)
	pending.Payment.Resends = 3
	paid := history(kernel.OrderStatusPaid, 3)
	paid.Payment = request(0, 1, saga.StatusProcessing)
	paid.Approval = request(3, 4, saga.StatusProcessing)
	refunding := history(kernel.OrderStatusCancelling, 6, "restaurant closed")
	refunding.Payment = request(0, 1, saga.StatusProcessing)
	refunding.Refund = request(6, 7, saga.StatusCompensating)
	failed := history(kernel.OrderStatusCancelling, 12, "restaurant closed", "refund refused")
	failed.Payment = request(0, 1, saga.StatusFailed)
	failed.Refund = request(6, 7, saga.StatusFailed)
	f.history.EXPECT().FindByStatusOlderThan(gomock.Any(), openStatuses, stuckAfter, application.DefaultStuckSagasLimit).
		Return([]*application.OrderSagaHistory{pending, paid, refunding, failed}, nil)

	resp, err := f.queries.StuckSagas(context.Background(), application.StuckSagasQuery{})

	require.NoError(t, err)
	assert.Equal(t, stuckAfter, resp.StuckAfter)
	require.Len(t, resp.Sagas, 4)
	assert.Equal(t, application.StuckSaga{OrderID: pending.OrderID, OrderTrackingID: pending.OrderTrackingID,
		OrderStatus: kernel.OrderStatusPending, CreatedAt: at(0), StatusSince: at(0),
		WaitingFor: application.WaitingForPayment, Resends: 3, FailureMessages: []string{}}, resp.Sagas[0])
	var waiting []string
	for _, s := range resp.Sagas {
		waiting = append(waiting, s.WaitingFor)
	}
	assert.Equal(t, []string{"payment", "restaurant_approval", "refund", "operator"}, waiting)
	assert.Equal(t, at(12), resp.Sagas[3].StatusSince)
	assert.Equal(t, []string{"restaurant closed", "refund refused"}, resp.Sagas[3].FailureMessages)
}

func TestStuckSagasLimitIsBounded(t *testing.T) {
	f := newFixture(t)
	f.history.EXPECT().FindByStatusOlderThan(gomock.Any(), openStatuses, stuckAfter, 7).Return(nil, nil)

	resp, err := f.queries.StuckSagas(context.Background(), application.StuckSagasQuery{Limit: 7})
	require.NoError(t, err)
	assert.NotNil(t, resp.Sagas)
	assert.Empty(t, resp.Sagas)

	for _, limit := range []int{-1, application.MaxStuckSagasLimit + 1} {
		_, err := f.queries.StuckSagas(context.Background(), application.StuckSagasQuery{Limit: limit})
		assert.Equal(t, kernel.ECodeInvalid, kernel.ErrorCodeOf(err), "limit %d", limit)
		assert.Equal(t, "limit must be between 1 and 1000", kernel.ErrorMessageOf(err))
	}
}

func TestCountStuckSagasHasEveryOpenStatus(t *testing.T) {
	f := newFixture(t)
	f.history.EXPECT().CountByStatusOlderThan(gomock.Any(), openStatuses, stuckAfter).
		Return(map[kernel.OrderStatus]int{kernel.OrderStatusPending: 2}, nil)

	counts, err := f.queries.CountStuckSagas(context.Background())

	require.NoError(t, err)
	assert.Equal(t, map[kernel.OrderStatus]int{kernel.OrderStatusPending: 2, kernel.OrderStatusPaid: 0, kernel.OrderStatusCancelling: 0}, counts)
}
