package application

import (
	"context"
	"fmt"
	"time"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
)

// PaymentOutboxHelper reads and writes payment_outbox rows for the use cases.
type PaymentOutboxHelper struct {
	repo PaymentOutboxRepository
}

// NewPaymentOutboxHelper returns the helper over the repository.
func NewPaymentOutboxHelper(repo PaymentOutboxRepository) *PaymentOutboxHelper {
	return &PaymentOutboxHelper{repo: repo}
}

// PaymentOutboxMessagesBySagaIDAndSagaStatus returns the saga's rows in one of
// statuses; none is an empty result.
func (h *PaymentOutboxHelper) PaymentOutboxMessagesBySagaIDAndSagaStatus(ctx context.Context, sagaID kernel.SagaID, statuses ...saga.Status) ([]*PaymentOutboxMessage, error) {
	msgs, err := h.repo.FindBySagaIDAndSagaStatus(ctx, sagaID, statuses...)
	if err != nil {
		return nil, fmt.Errorf("find payment outbox messages of saga %s: %w", sagaID, err)
	}
	return msgs, nil
}

// SavePaymentOutboxMessage writes a new request for payment-service. Its
// created_at is the payload's, the moment of the event that caused it.
func (h *PaymentOutboxHelper) SavePaymentOutboxMessage(ctx context.Context, payload OrderPaymentEventPayload,
	orderStatus kernel.OrderStatus, sagaStatus saga.Status, outboxStatus outbox.Status, sagaID kernel.SagaID) error {
	msg := &PaymentOutboxMessage{
		ID:                 kernel.NewID[kernel.MessageID](),
		SagaID:             sagaID,
		CreatedAt:          payload.CreatedAt,
		Type:               saga.OrderSagaName,
		Payload:            payload,
		OrderStatus:        orderStatus,
		SagaStatus:         sagaStatus,
		OutboxStatus:       outboxStatus,
		PaymentOrderStatus: payload.PaymentOrderStatus,
	}
	if err := h.repo.Save(ctx, msg); err != nil {
		return fmt.Errorf("save payment outbox message %s of saga %s: %w", msg.ID, sagaID, err)
	}
	return nil
}

// UpdatePaymentOutboxMessage moves a row to the order and saga status given.
func (h *PaymentOutboxHelper) UpdatePaymentOutboxMessage(ctx context.Context, msg *PaymentOutboxMessage, orderStatus kernel.OrderStatus, sagaStatus saga.Status) error {
	msg.OrderStatus = orderStatus
	msg.SagaStatus = sagaStatus
	if err := h.repo.Update(ctx, msg); err != nil {
		return fmt.Errorf("update payment outbox message %s: %w", msg.ID, err)
	}
	return nil
}

// UpdatePaymentOutboxMessages moves each of msgs to the order and saga status
// given.
func (h *PaymentOutboxHelper) UpdatePaymentOutboxMessages(ctx context.Context, msgs []*PaymentOutboxMessage, orderStatus kernel.OrderStatus, sagaStatus saga.Status) error {
	for _, msg := range msgs {
		if err := h.UpdatePaymentOutboxMessage(ctx, msg, orderStatus, sagaStatus); err != nil {
			return err
		}
	}
	return nil
}

// OverduePaymentOutboxMessages returns up to limit requests still unanswered
// long enough after they were published (see
// PaymentOutboxRepository.FindOverdue).
func (h *PaymentOutboxHelper) OverduePaymentOutboxMessages(ctx context.Context, replyTimeout, maxInterval time.Duration, limit int) ([]*PaymentOutboxMessage, error) {
	msgs, err := h.repo.FindOverdue(ctx, replyTimeout, maxInterval, limit)
	if err != nil {
		return nil, fmt.Errorf("find overdue payment outbox messages: %w", err)
	}
	return msgs, nil
}

// ResendPaymentOutboxMessage publishes the row again under the same message
// id; the receiver recognises a request it has answered.
func (h *PaymentOutboxHelper) ResendPaymentOutboxMessage(ctx context.Context, msg *PaymentOutboxMessage) error {
	if err := h.repo.Resend(ctx, msg); err != nil {
		return fmt.Errorf("resend payment outbox message %s of saga %s: %w", msg.ID, msg.SagaID, err)
	}
	return nil
}
