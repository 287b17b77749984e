package application

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
)

// openStatuses are the order statuses a saga has not ended in.
var openStatuses = []kernel.OrderStatus{kernel.OrderStatusPending, kernel.OrderStatusPaid, kernel.OrderStatusCancelling}

// OrderSagaQueryHandler implements OrderSagaQueryService from what the saga
// already writes: the order's times and status, and its outbox rows with
// their creation, publication and saga status. It adds nothing to the saga's
// work: no step records itself for the timeline's sake.
type OrderSagaQueryHandler struct {
	history    SagaHistoryRepository
	stuckAfter time.Duration
}

var _ OrderSagaQueryService = (*OrderSagaQueryHandler)(nil)

// NewOrderSagaQueryHandler returns the handler; an order open for longer than
// stuckAfter (DefaultStuckAfter when not positive), by the database's clock,
// is stuck.
func NewOrderSagaQueryHandler(history SagaHistoryRepository, stuckAfter time.Duration) *OrderSagaQueryHandler {
	if stuckAfter <= 0 {
		stuckAfter = DefaultStuckAfter
	}
	return &OrderSagaQueryHandler{history: history, stuckAfter: stuckAfter}
}

// OrderTimeline implements OrderSagaQueryService.
func (h *OrderSagaQueryHandler) OrderTimeline(ctx context.Context, query OrderTimelineQuery) (OrderTimelineResponse, error) {
	history, err := h.history.FindByTrackingID(ctx, query.OrderTrackingID)
	if errors.Is(err, kernel.ErrNotFound) {
		return OrderTimelineResponse{}, kernel.WrapError(kernel.ECodeNotFound, err,
			fmt.Sprintf("Could not find order with tracking id: %s", query.OrderTrackingID))
	}
	if err != nil {
		return OrderTimelineResponse{}, fmt.Errorf("find saga history of order with tracking id %s: %w", query.OrderTrackingID, err)
	}
	return OrderTimelineResponse{
		OrderID:         history.OrderID,
		OrderTrackingID: history.OrderTrackingID,
		OrderStatus:     history.OrderStatus,
		Complete:        complete(history),
		Steps:           timeline(history),
	}, nil
}

// StuckSagas implements OrderSagaQueryService.
func (h *OrderSagaQueryHandler) StuckSagas(ctx context.Context, query StuckSagasQuery) (StuckSagasResponse, error) {
	limit := query.Limit
	switch {
	case limit == 0:
		limit = DefaultStuckSagasLimit
	case limit < 0 || limit > MaxStuckSagasLimit:
		return StuckSagasResponse{}, kernel.Errorf(kernel.ECodeInvalid, "limit must be between 1 and %d", MaxStuckSagasLimit)
	}
	found, err := h.history.FindByStatusOlderThan(ctx, openStatuses, h.stuckAfter, limit)
	if err != nil {
		return StuckSagasResponse{}, fmt.Errorf("find stuck sagas: %w", err)
	}
	sagas := make([]StuckSaga, len(found))
	for i, history := range found {
		sagas[i] = stuckSaga(history)
	}
	return StuckSagasResponse{StuckAfter: h.stuckAfter, Sagas: sagas}, nil
}

// CountStuckSagas implements OrderSagaQueryService.
func (h *OrderSagaQueryHandler) CountStuckSagas(ctx context.Context) (map[kernel.OrderStatus]int, error) {
	counted, err := h.history.CountByStatusOlderThan(ctx, openStatuses, h.stuckAfter)
	if err != nil {
		return nil, fmt.Errorf("count stuck sagas: %w", err)
	}
	counts := make(map[kernel.OrderStatus]int, len(openStatuses))
	for _, status := range openStatuses {
		counts[status] = counted[status]
	}
	return counts, nil
}

// timeline reads the saga's steps off its rows. Each request row dates two
// steps: its creation is the step that wrote it (the approval request was
// written when the payment completed, the refund request when the restaurant
// refused or the payment went unanswered), its publication the request going
// out. The order's own times date the first step and the last one. The steps
// are listed in the order they cause each other, which is the order they
// happened in; the times come from two clocks (the service's and the
// database's), which on one host agree.
func timeline(h *OrderSagaHistory) []TimelineEntry {
	steps := []TimelineEntry{{Step: StepCreated, At: h.CreatedAt, Detail: "order placed PENDING, its payment request saved with it"}}
	if h.Payment != nil {
		steps = appendPublished(steps, StepPaymentRequested, h.Payment, "payment request published to payment-service")
	}
	refundCause := refundCause(h)
	if h.Approval != nil {
		steps = append(steps, TimelineEntry{Step: StepPaid, At: h.Approval.CreatedAt, Detail: "payment completed; order PAID"})
		steps = appendPublished(steps, StepApprovalRequested, h.Approval, "approval request published to the restaurant")
	}
	if h.Refund != nil {
		steps = append(steps, TimelineEntry{Step: refundCause, At: h.Refund.CreatedAt, Detail: refundReason(h, refundCause)})
		steps = appendPublished(steps, StepRefundRequested, h.Refund, "refund request published to payment-service; order CANCELLING")
	}
	switch {
	case h.OrderStatus == kernel.OrderStatusApproved:
		steps = append(steps, TimelineEntry{Step: StepApproved, At: h.UpdatedAt, Detail: "restaurant approved; order APPROVED, saga SUCCEEDED"})
	case h.OrderStatus == kernel.OrderStatusCancelled && h.Refund == nil:
		steps = append(steps,
			TimelineEntry{Step: StepPaymentFailed, At: h.UpdatedAt, Detail: joinOr(h.FailureMessages, "payment failed")},
			TimelineEntry{Step: StepCancelled, At: h.UpdatedAt, Detail: "order CANCELLED, saga COMPENSATED"})
	case h.OrderStatus == kernel.OrderStatusCancelled:
		steps = append(steps,
			TimelineEntry{Step: StepRefunded, At: h.UpdatedAt, Detail: "payment cancelled; the money is back"},
			TimelineEntry{Step: StepCancelled, At: h.UpdatedAt, Detail: "order CANCELLED, saga COMPENSATED"})
	case h.OrderStatus == kernel.OrderStatusCancelling && sagaFailed(h):
		steps = append(steps, TimelineEntry{Step: StepRefundFailed, At: h.UpdatedAt,
			Detail: lastOr(h.FailureMessages, "refund refused") + "; saga FAILED, an operator must settle the order"})
	}
	if h.RestaurantCancellation != nil {
		steps = appendPublished(steps, StepRestaurantCancelled, h.RestaurantCancellation,
			"the restaurant told that the order was cancelled")
	}
	return steps
}

// appendPublished adds the step of a request going out, once it went out.
func appendPublished(steps []TimelineEntry, step string, r *SagaRequestRecord, detail string) []TimelineEntry {
	if r.PublishedAt == nil {
		return steps
	}
	if r.Resends > 0 {
		detail = fmt.Sprintf("%s (sent again %d time(s) for want of an answer)", detail, r.Resends)
	}
	return append(steps, TimelineEntry{Step: step, At: *r.PublishedAt, Detail: detail})
}

// refundCause is the step that asked for the refund. The deadline's
// messages say when it was a deadline; otherwise the restaurant refused.
func refundCause(h *OrderSagaHistory) string {
	switch {
	case slices.Contains(h.FailureMessages, PaymentTimedOutMessage):
		return StepPaymentTimedOut
	case slices.Contains(h.FailureMessages, ApprovalTimedOutMessage):
		return StepApprovalTimedOut
	default:
		return StepRejected
	}
}

func refundReason(h *OrderSagaHistory, cause string) string {
	switch cause {
	case StepPaymentTimedOut:
		return PaymentTimedOutMessage
	case StepApprovalTimedOut:
		return ApprovalTimedOutMessage
	default:
		return firstOr(h.FailureMessages, "restaurant rejected the order")
	}
}

// sagaFailed reports a saga that ended FAILED: a row says so, or the rows of
// a CANCELLING order are gone, which the cleaner does only to a saga that
// ended.
func sagaFailed(h *OrderSagaHistory) bool {
	for _, r := range []*SagaRequestRecord{h.Payment, h.Refund, h.Approval} {
		if r != nil && r.SagaStatus == saga.StatusFailed {
			return true
		}
	}
	return h.OrderStatus == kernel.OrderStatusCancelling && h.Payment == nil && h.Refund == nil
}

// complete reports whether the rows of every step the saga took are still
// there.
func complete(h *OrderSagaHistory) bool {
	if h.Payment == nil {
		return false // written with the order: only the cleaner removes it
	}
	paid := h.OrderStatus == kernel.OrderStatusPaid || h.OrderStatus == kernel.OrderStatusApproved ||
		(h.Refund != nil && !slices.Contains(h.FailureMessages, PaymentTimedOutMessage))
	return !paid || h.Approval != nil
}

func stuckSaga(h *OrderSagaHistory) StuckSaga {
	s := StuckSaga{
		OrderID:         h.OrderID,
		OrderTrackingID: h.OrderTrackingID,
		OrderStatus:     h.OrderStatus,
		CreatedAt:       h.CreatedAt,
		StatusSince:     h.UpdatedAt,
		FailureMessages: h.FailureMessages,
	}
	if s.FailureMessages == nil {
		s.FailureMessages = []string{}
	}
	var waitedOn *SagaRequestRecord
	switch {
	case h.OrderStatus == kernel.OrderStatusPending:
		s.WaitingFor, waitedOn = WaitingForPayment, h.Payment
	case h.OrderStatus == kernel.OrderStatusPaid:
		s.WaitingFor, waitedOn = WaitingForApproval, h.Approval
	case sagaFailed(h):
		s.WaitingFor = WaitingForOperator
	default:
		s.WaitingFor, waitedOn = WaitingForRefund, h.Refund
	}
	if waitedOn != nil {
		s.Resends = waitedOn.Resends
	}
	return s
}

func joinOr(messages []string, none string) string {
	if len(messages) == 0 {
		return none
	}
	return strings.Join(messages, "; ")
}

func firstOr(messages []string, none string) string {
	if len(messages) == 0 {
		return none
	}
	return messages[0]
}

func lastOr(messages []string, none string) string {
	if len(messages) == 0 {
		return none
	}
	return messages[len(messages)-1]
}
