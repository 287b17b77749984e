package application

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
)

// ApprovalOutboxHelper reads and writes order_approval_outbox rows for the
// saga steps.
type ApprovalOutboxHelper struct {
	repo ApprovalOutboxRepository
}

// NewApprovalOutboxHelper returns the helper over the repository.
func NewApprovalOutboxHelper(repo ApprovalOutboxRepository) *ApprovalOutboxHelper {
	return &ApprovalOutboxHelper{repo: repo}
}

// ApprovalOutboxMessageBySagaIDAndSagaStatus returns the saga's approval
// request if it is in one of statuses, or an error matching kernel.ErrNotFound.
func (h *ApprovalOutboxHelper) ApprovalOutboxMessageBySagaIDAndSagaStatus(ctx context.Context, sagaID kernel.SagaID, statuses ...saga.Status) (*OrderApprovalOutboxMessage, error) {
	msg, err := h.repo.FindBySagaIDAndSagaStatus(ctx, sagaID, statuses...)
	if err != nil {
		return nil, fmt.Errorf("find approval outbox message of saga %s: %w", sagaID, err)
	}
	return msg, nil
}

// SaveApprovalOutboxMessage writes a new request for the restaurant. Its
// created_at is the payload's, the moment of the event that caused it.
func (h *ApprovalOutboxHelper) SaveApprovalOutboxMessage(ctx context.Context, payload OrderApprovalEventPayload,
	orderStatus kernel.OrderStatus, sagaStatus saga.Status, outboxStatus outbox.Status, sagaID kernel.SagaID) error {
	msg := &OrderApprovalOutboxMessage{
		ID:                    kernel.NewID[kernel.MessageID](),
		SagaID:                sagaID,
		CreatedAt:             payload.CreatedAt,
		Type:                  saga.OrderSagaName,
		Payload:               payload,
		OrderStatus:           orderStatus,
		SagaStatus:            sagaStatus,
		OutboxStatus:          outboxStatus,
		RestaurantOrderStatus: payload.RestaurantOrderStatus,
	}
	if err := h.repo.Save(ctx, msg); err != nil {
		return fmt.Errorf("save approval outbox message %s of saga %s: %w", msg.ID, sagaID, err)
	}
	return nil
}

// UpdateApprovalOutboxMessage moves the row to the order and saga status
// given.
func (h *ApprovalOutboxHelper) UpdateApprovalOutboxMessage(ctx context.Context, msg *OrderApprovalOutboxMessage, orderStatus kernel.OrderStatus, sagaStatus saga.Status) error {
	msg.OrderStatus = orderStatus
	msg.SagaStatus = sagaStatus
	if err := h.repo.Update(ctx, msg); err != nil {
		return fmt.Errorf("update approval outbox message %s: %w", msg.ID, err)
	}
	return nil
}

// OverdueApprovalOutboxMessages returns up to limit approval requests still
// unanswered more than replyTimeout after they were published.
func (h *ApprovalOutboxHelper) OverdueApprovalOutboxMessages(ctx context.Context, replyTimeout time.Duration, limit int) ([]*OrderApprovalOutboxMessage, error) {
	msgs, err := h.repo.FindOverdue(ctx, replyTimeout, limit)
	if err != nil {
		return nil, fmt.Errorf("find overdue approval outbox messages: %w", err)
	}
	return msgs, nil
}

// ResendApprovalOutboxMessage publishes the row again under the same message
// id; the restaurant recognises a request it has answered.
func (h *ApprovalOutboxHelper) ResendApprovalOutboxMessage(ctx context.Context, msg *OrderApprovalOutboxMessage) error {
	if err := h.repo.Resend(ctx, msg); err != nil {
		return fmt.Errorf("resend approval outbox message %s of saga %s: %w", msg.ID, msg.SagaID, err)
	}
	return nil
}

// TellRestaurantOfCancellation writes, once per saga, the message that tells
// the restaurant that an order was cancelled: one it approved, or may yet
// approve since the saga stopped waiting for its answer. The restaurant
// records the cancellation and refuses the approval request should it still
// arrive. payload is the cancellation (see restaurantCancellationPayload).
// It reports whether the message was written now (false: it was before).
func (h *ApprovalOutboxHelper) TellRestaurantOfCancellation(ctx context.Context, payload OrderApprovalEventPayload,
	orderStatus kernel.OrderStatus, sagaID kernel.SagaID) (bool, error) {
	// The message's saga status is where the saga stands now; the cleaner
	// removes a published cancellation whatever the saga does later.
	err := h.SaveApprovalOutboxMessage(ctx, payload, orderStatus, OrderStatusToSagaStatus(orderStatus), outbox.StatusStarted, sagaID)
	if errors.Is(err, kernel.ErrDuplicate) {
		return false, nil
	}
	return err == nil, err
}
