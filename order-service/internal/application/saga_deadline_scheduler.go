package application

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
)

// Failure messages of sagas that ran out of time.
const (
	PaymentTimedOutMessage  = "Payment was not answered in time"
	ApprovalTimedOutMessage = "Restaurant approval was not answered in time"
	RefundTimedOutMessage   = "Refund was not confirmed in time"
)

// SagaDeadlineScheduler makes sure no saga waits for ever. A request still
// unanswered ReplyTimeout after it was last sent is sent again, under the
// same message id (the receivers are idempotent), up to MaxResends times.
// Then the saga acts:
//   - payment request (order PENDING): the order starts cancelling and a
//     refund is requested, which also makes payment-service refuse the
//     payment request should it still arrive;
//   - approval request (order PAID): compensated as a rejection, with a
//     refund;
//   - refund request (order CANCELLING): the saga ends FAILED, logged at
//     ERROR, for an operator: a refund is never given up silently.
//
// Each saga is handled in its own transaction; a reply that arrives at the
// same moment wins or loses on the rows' optimistic lock, and the loser's
// work is redone (the reply) or skipped until the next check (the deadline).
type SagaDeadlineScheduler struct {
	paymentOutbox  *PaymentOutboxHelper
	approvalOutbox *ApprovalOutboxHelper
	paymentSaga    *OrderPaymentSaga
	approvalSaga   *OrderApprovalSaga
	tx             Transactor
	cfg            SagaDeadlineConfig
	now            func() time.Time
	log            *zap.Logger
}

// NewSagaDeadlineScheduler returns the scheduler; now is its clock (time.Now
// when nil).
func NewSagaDeadlineScheduler(tx Transactor, paymentOutbox *PaymentOutboxHelper, approvalOutbox *ApprovalOutboxHelper,
	paymentSaga *OrderPaymentSaga, approvalSaga *OrderApprovalSaga, cfg SagaDeadlineConfig, now func() time.Time, log *zap.Logger) *SagaDeadlineScheduler {
	cfg.setDefaults()
	if now == nil {
		now = time.Now
	}
	return &SagaDeadlineScheduler{paymentOutbox: paymentOutbox, approvalOutbox: approvalOutbox, paymentSaga: paymentSaga,
		approvalSaga: approvalSaga, tx: tx, cfg: cfg, now: now, log: log.With(zap.String("scheduler", "saga_deadline"))}
}

// Run checks deadlines every CheckInterval until ctx is cancelled. A failed
// check is logged and tried again at the next tick.
func (s *SagaDeadlineScheduler) Run(ctx context.Context) error {
	ticker := time.NewTicker(s.cfg.CheckInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		if err := s.CheckDeadlines(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("saga deadline check failed; trying again at the next tick", zap.Error(err))
		}
	}
}

// CheckDeadlines acts once on every overdue request (up to BatchSize of each
// kind). It returns the errors of the sagas it could not handle; a conflict
// with a concurrent reply is not an error.
func (s *SagaDeadlineScheduler) CheckDeadlines(ctx context.Context) error {
	sentBefore := s.now().Add(-s.cfg.ReplyTimeout)
	var errs []error
	payments, err := s.paymentOutbox.OverduePaymentOutboxMessages(ctx, sentBefore, s.cfg.BatchSize)
	if err != nil {
		errs = append(errs, err)
	}
	for _, row := range payments {
		errs = append(errs, s.ignoreConflict(s.paymentOverdue(ctx, row)))
	}
	approvals, err := s.approvalOutbox.OverdueApprovalOutboxMessages(ctx, sentBefore, s.cfg.BatchSize)
	if err != nil {
		errs = append(errs, err)
	}
	for _, row := range approvals {
		errs = append(errs, s.ignoreConflict(s.approvalOverdue(ctx, row)))
	}
	return errors.Join(errs...)
}

func (s *SagaDeadlineScheduler) paymentOverdue(ctx context.Context, row *PaymentOutboxMessage) error {
	refund := row.PaymentOrderStatus == kernel.PaymentOrderStatusCancelled
	if row.Resends < s.cfg.MaxResends {
		if err := s.tx.Transact(ctx, func(ctx context.Context) error {
			return s.paymentOutbox.ResendPaymentOutboxMessage(ctx, row)
		}); err != nil {
			return err
		}
		s.log.Warn("payment service has not answered; request sent again", zap.Stringer("saga_id", row.SagaID),
			zap.Stringer("order_id", row.Payload.OrderID), zap.Bool("refund", refund), zap.Int("resend", row.Resends+1))
		return nil
	}
	if refund {
		return s.paymentSaga.RefundFailed(ctx, row.SagaID, RefundTimedOutMessage)
	}
	return s.paymentSaga.CancelUnpaid(ctx, row.SagaID, PaymentTimedOutMessage)
}

func (s *SagaDeadlineScheduler) approvalOverdue(ctx context.Context, row *OrderApprovalOutboxMessage) error {
	if row.Resends < s.cfg.MaxResends {
		if err := s.tx.Transact(ctx, func(ctx context.Context) error {
			return s.approvalOutbox.ResendApprovalOutboxMessage(ctx, row)
		}); err != nil {
			return err
		}
		s.log.Warn("restaurant has not answered; approval request sent again", zap.Stringer("saga_id", row.SagaID),
			zap.Stringer("order_id", row.Payload.OrderID), zap.Int("resend", row.Resends+1))
		return nil
	}
	s.log.Warn("restaurant approval not answered in time; compensating", zap.Stringer("saga_id", row.SagaID),
		zap.Stringer("order_id", row.Payload.OrderID))
	return s.approvalSaga.Rollback(ctx, RestaurantApprovalResponse{
		SagaID:              row.SagaID,
		OrderID:             row.Payload.OrderID,
		RestaurantID:        row.Payload.RestaurantID,
		CreatedAt:           s.now(),
		OrderApprovalStatus: kernel.OrderApprovalStatusRejected,
		FailureMessages:     []string{ApprovalTimedOutMessage},
	})
}

// ignoreConflict drops the error of a saga that a reply moved meanwhile: the
// next check sees where it stands now.
func (s *SagaDeadlineScheduler) ignoreConflict(err error) error {
	if kernel.ErrorCodeOf(err) == kernel.ECodeConflict {
		s.log.Debug("saga moved while its deadline was handled", zap.Error(err))
		return nil
	}
	return err
}
