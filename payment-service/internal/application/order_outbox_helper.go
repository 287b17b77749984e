package application

import (
	"context"
	"fmt"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
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

// AnswerAgain reports whether the saga's request of that kind already has an
// answer, whatever it was (the original only looked for COMPLETED ones, so a
// failed payment was tried again), and if so sends it again under its
// message id: a request that comes again may be order-service's resend for
// want of the answer, and whatever became of the first (lost, parked), the
// answer goes out again.
func (h *OrderOutboxHelper) AnswerAgain(ctx context.Context, sagaID kernel.SagaID, request kernel.PaymentOrderStatus) (bool, error) {
	ok, err := h.repo.ResendBySagaIDAndPaymentOrderStatus(ctx, sagaID, request)
	if err != nil {
		return false, fmt.Errorf("send the answer of saga %s to %s again: %w", sagaID, request, err)
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
