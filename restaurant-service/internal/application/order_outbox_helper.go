package application

import (
	"context"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
)

// OrderOutboxHelper writes the restaurant's answers into the order_outbox
// table and tells whether a saga was already answered. Publishing and
// clean-up are the scheduler's and the cleaner's.
type OrderOutboxHelper struct {
	outbox OrderOutboxRepository
}

// NewOrderOutboxHelper returns a helper over the order_outbox repository.
func NewOrderOutboxHelper(repository OrderOutboxRepository) *OrderOutboxHelper {
	return &OrderOutboxHelper{outbox: repository}
}

// AnswerAgain reports whether an answer for the saga was already written,
// and if so hands it back to the relay under the same message id: a request
// that comes again may be a requester's resend for want of the answer, and
// whatever happened to the first (lost, parked), the answer goes out again.
func (h *OrderOutboxHelper) AnswerAgain(ctx context.Context, sagaID kernel.SagaID) (bool, error) {
	answered, err := h.outbox.ResendBySagaID(ctx, sagaID)
	if err != nil {
		return false, fmt.Errorf("send the answer of saga %s again: %w", sagaID, err)
	}
	return answered, nil
}

// SaveOrderOutboxMessage writes one answer with a fresh message id; the row
// is stamped with the payload's time. Another answer for the same saga is
// kernel.ErrDuplicate.
func (h *OrderOutboxHelper) SaveOrderOutboxMessage(
	ctx context.Context,
	payload OrderEventPayload,
	approvalStatus kernel.OrderApprovalStatus,
	outboxStatus outbox.Status,
	sagaID kernel.SagaID,
) error {
	message := OrderOutboxMessage{
		ID:             kernel.NewID[kernel.MessageID](),
		SagaID:         sagaID,
		CreatedAt:      payload.CreatedAt,
		Type:           saga.OrderSagaName,
		Payload:        payload,
		ApprovalStatus: approvalStatus,
		OutboxStatus:   outboxStatus,
	}
	if err := h.outbox.Save(ctx, message); err != nil {
		return fmt.Errorf("save order outbox message of saga %s: %w", sagaID, err)
	}
	return nil
}
