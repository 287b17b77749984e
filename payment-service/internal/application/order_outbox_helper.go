package application

import (
	"context"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/saga"
)

// OrderOutboxHelper writes and looks up the answers owed to order-service.
// Publishing them is OrderOutboxScheduler's job.
type OrderOutboxHelper struct {
	repo      OrderOutboxRepository
	messageID func() kernel.MessageID
}

// NewOrderOutboxHelper returns a helper over repo.
func NewOrderOutboxHelper(repo OrderOutboxRepository) *OrderOutboxHelper {
	return &OrderOutboxHelper{repo: repo, messageID: kernel.NewID[kernel.MessageID]}
}

// Answered reports whether the saga's request of that kind already has an
// answer, whatever it was (the original only looked for COMPLETED ones, so a
// failed payment was tried again).
func (h *OrderOutboxHelper) Answered(ctx context.Context, sagaID kernel.SagaID, request kernel.PaymentOrderStatus) (bool, error) {
	ok, err := h.repo.ExistsBySagaIDAndPaymentOrderStatus(ctx, sagaID, request)
	if err != nil {
		return false, fmt.Errorf("look up answer of saga %s to %s: %w", sagaID, request, err)
	}
	return ok, nil
}

// SaveOrderOutboxMessage records payload as the answer to the saga's request,
// STARTED so the relay publishes it.
func (h *OrderOutboxHelper) SaveOrderOutboxMessage(ctx context.Context, payload OrderEventPayload,
	request kernel.PaymentOrderStatus, sagaID kernel.SagaID) error {
	msg := OrderOutboxMessage{
		ID:                 h.messageID(),
		SagaID:             sagaID,
		CreatedAt:          payload.CreatedAt,
		Type:               saga.OrderSagaName,
		Payload:            payload,
		PaymentStatus:      payload.PaymentStatus,
		PaymentOrderStatus: request,
		OutboxStatus:       outbox.StatusStarted,
	}
	if err := h.repo.Save(ctx, msg); err != nil {
		return fmt.Errorf("save answer of saga %s to %s: %w", sagaID, request, err)
	}
	return nil
}
