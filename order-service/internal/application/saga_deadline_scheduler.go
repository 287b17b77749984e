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
)

// SagaDeadlineScheduler makes sure no saga waits for ever, without ever
// taking silence for a fact. A deadline runs from when a request was
// published (the relay's mark), in the database's clock: a request that
// cannot leave the outbox (the broker is down, the row is parked) is never
// overdue, and its order shows up as stuck instead. A request still
// unanswered ReplyTimeout after it was published is sent again, under the
// same message id (the receivers answer a request they answered before
// again), up to MaxResends times. Then the saga acts:
//   - payment request (order PENDING): the order starts cancelling and a
//     refund is requested, which also makes payment-service refuse the
//     payment request should it still arrive;
//   - approval request (order PAID): compensated as a rejection, with a
//     refund, and the restaurant is told of the cancellation;
//   - refund request (order CANCELLING): never given up. It is sent again,
//     ReplyTimeout doubled with each resend up to MaxResendInterval apart,
//     until payment-service answers; the order counts as stuck meanwhile.
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
	log            *zap.Logger
}

// NewSagaDeadlineScheduler returns the scheduler.
func NewSagaDeadlineScheduler(tx Transactor, paymentOutbox *PaymentOutboxHelper, approvalOutbox *ApprovalOutboxHelper,
	paymentSaga *OrderPaymentSaga, approvalSaga *OrderApprovalSaga, cfg SagaDeadlineConfig, log *zap.Logger) *SagaDeadlineScheduler {
	cfg.setDefaults()
	return &SagaDeadlineScheduler{paymentOutbox: paymentOutbox, approvalOutbox: approvalOutbox, paymentSaga: paymentSaga,
		approvalSaga: approvalSaga, tx: tx, cfg: cfg, log: log.With(zap.String("scheduler", "saga_deadline"))}
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
	var errs []error
	payments, err := s.paymentOutbox.OverduePaymentOutboxMessages(ctx, s.cfg.ReplyTimeout, s.cfg.MaxResendInterval, s.cfg.BatchSize)
	if err != nil {
		errs = append(errs, err)
	}
	for _, row := range payments {
		errs = append(errs, s.ignoreConflict(s.paymentOverdue(ctx, row)))
	}
	approvals, err := s.approvalOutbox.OverdueApprovalOutboxMessages(ctx, s.cfg.ReplyTimeout, s.cfg.BatchSize)
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
	if refund || row.Resends < s.cfg.MaxResends {
		if err := s.tx.Transact(ctx, func(ctx context.Context) error {
			return s.paymentOutbox.ResendPaymentOutboxMessage(ctx, row)
		}); err != nil {
			return err
		}
		msg := "payment service has not answered; request sent again"
		if refund {
			msg = "payment service has not confirmed the refund; refund request sent again"
		}
		s.log.Warn(msg, zap.Stringer("saga_id", row.SagaID), zap.Stringer("order_id", row.Payload.OrderID),
			zap.Bool("refund", refund), zap.Int("resend", row.Resends+1))
		return nil
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
	return s.approvalSaga.CancelUnapproved(ctx, row.SagaID, ApprovalTimedOutMessage)
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
