package application

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/logging"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

// RestaurantApprovalRequestHelper is the approval use case: it decides a
// request against the restaurant's catalog and stores the approval with its
// outbox answer in one transaction. It is the
// RestaurantApprovalRequestMessageListener input port itself: the Kafka
// listener calls it directly.
type RestaurantApprovalRequestHelper struct {
	tx          Transactor
	restaurants RestaurantRepository
	approvals   OrderApprovalRepository
	domain      *domain.RestaurantDomainService
	outbox      *OrderOutboxHelper
	now         func() time.Time
	log         *zap.Logger
}

var _ RestaurantApprovalRequestMessageListener = (*RestaurantApprovalRequestHelper)(nil)

// NewRestaurantApprovalRequestHelper wires the use case. now stamps the
// answers; pass time.Now outside tests.
func NewRestaurantApprovalRequestHelper(
	tx Transactor,
	restaurants RestaurantRepository,
	approvals OrderApprovalRepository,
	domainService *domain.RestaurantDomainService,
	outboxHelper *OrderOutboxHelper,
	now func() time.Time,
	log *zap.Logger,
) *RestaurantApprovalRequestHelper {
	return &RestaurantApprovalRequestHelper{
		tx:          tx,
		restaurants: restaurants,
		approvals:   approvals,
		domain:      domainService,
		outbox:      outboxHelper,
		now:         now,
		log:         log,
	}
}

// ApproveOrder answers the request once. If the saga was already
// answered, nothing changes but the answer, which is sent again under its
// message id (a requester that sends a request again lost the answer, or
// never got it); a concurrent delivery that loses the race on the unique
// indexes counts as answered too. If the order already has an approval but
// its answer was cleaned from the outbox, the approval is answered again
// from what it recorded; an order order-service cancelled before this
// request arrived is answered REJECTED with that reason. Otherwise the
// approval and its outbox row are stored in one transaction.
//
// Every request that names its saga and its order is answered: a business
// dead end is an answer, not a dead letter. A request that describes no
// acceptable order (no products, a quantity below one, no restaurant), an
// unknown or inactive restaurant, a product it does not offer or a wrong
// total are all answered REJECTED with the reason, so the saga compensates
// the payment. The request names its saga and its order: the messaging
// adapter parks one that does not.
func (h *RestaurantApprovalRequestHelper) ApproveOrder(ctx context.Context, request RestaurantApprovalRequest) error {
	log := h.log.With(logging.Trace(ctx), zap.Stringer("saga_id", request.SagaID), zap.Stringer("order_id", request.OrderID),
		zap.Stringer("restaurant_id", request.RestaurantID))

	var (
		answered bool
		event    domain.OrderApprovalEvent
		earlier  *domain.OrderApproval
	)
	err := h.tx.Transact(ctx, func(ctx context.Context) error {
		var err error
		if earlier, err = h.findApproval(ctx, request.OrderID, false); err != nil {
			return err
		}
		// Only a decided order, or a request without restaurant (answered
		// without an approval), can have an answer to send again: a first
		// delivery skips the lookup.
		if earlier != nil || request.RestaurantID.IsZero() {
			if answered, err = h.outbox.AnswerAgain(ctx, request.SagaID); err != nil || answered {
				return err
			}
		}
		if earlier != nil {
			status, failures := earlier.Answer()
			return h.outbox.SaveOrderOutboxMessage(ctx, OrderEventPayload{OrderID: earlier.OrderID(), RestaurantID: earlier.RestaurantID(),
				CreatedAt: h.now(), OrderApprovalStatus: status, FailureMessages: failures}, status, outbox.StatusStarted, request.SagaID)
		}
		if event, err = h.decide(ctx, request); err != nil {
			return err
		}
		approval := event.OrderApproval()
		// An approval belongs to a restaurant; a request that names none is
		// answered without one.
		if !approval.RestaurantID().IsZero() {
			if err := h.approvals.Save(ctx, approval); err != nil {
				return fmt.Errorf("save approval of order %s: %w", approval.OrderID(), err)
			}
		}
		return h.outbox.SaveOrderOutboxMessage(ctx, orderEventPayloadFromEvent(event), approval.Status(), outbox.StatusStarted, request.SagaID)
	})
	switch {
	case errors.Is(err, kernel.ErrDuplicate):
		// A unique index refused the second answer: a concurrent delivery won, or
		// the first answer was already cleaned from the outbox.
		log.Info("approval request already answered (the order already has an approval); nothing to do")
		return nil
	case err != nil:
		return err
	case answered:
		log.Info("approval request already answered; the answer is sent again")
		return nil
	case earlier != nil:
		status, _ := earlier.Answer()
		log.Info("approval request of an order decided before; answered from the record", zap.String("approval_status", string(earlier.Status())),
			zap.String("status", string(status)))
		return nil
	}
	approval := event.OrderApproval()
	log.Info("order approval decided", zap.String("status", string(approval.Status())),
		zap.Strings("failure_messages", approval.FailureMessages()))
	return nil
}

// decide judges the request: one that describes no acceptable order is
// rejected with the reason, without reading the catalog; otherwise the
// restaurant is loaded with the ordered products and the domain service
// decides.
func (h *RestaurantApprovalRequestHelper) decide(ctx context.Context, request RestaurantApprovalRequest) (domain.OrderApprovalEvent, error) {
	if request.RestaurantID.IsZero() {
		reason := fmt.Sprintf("Restaurant id is missing in the approval request of order: %s", request.OrderID)
		return h.domain.RejectInvalidOrder(request.RestaurantID, request.OrderID, reason, h.now()), nil
	}
	order, err := orderDetailFromRequest(request)
	if errors.Is(err, domain.ErrInvalidOrderDetail) {
		return h.domain.RejectInvalidOrder(request.RestaurantID, request.OrderID, kernel.ErrorMessageOf(err), h.now()), nil
	}
	if err != nil {
		return nil, err
	}
	restaurant, err := h.restaurants.FindRestaurantInformation(ctx, request.RestaurantID, order.ProductIDs())
	switch {
	case errors.Is(err, kernel.ErrNotFound):
		return h.domain.RejectUnknownRestaurant(request.RestaurantID, order, h.now()), nil
	case err != nil:
		return nil, fmt.Errorf("find restaurant %s: %w", request.RestaurantID, err)
	}
	return h.domain.ValidateOrder(restaurant, order, h.now()), nil
}

// CancelOrder records order-service's word that the order was
// cancelled after it asked for the restaurant's approval (the saga stopped
// waiting for the answer, or the answer came too late). An APPROVED order
// becomes CANCELLED: the restaurant must not prepare it. An order not decided
// yet gets a CANCELLED approval, so that its approval request, should it
// still arrive, is rejected. A rejected or already cancelled order changes
// nothing. Nothing is answered: order-service does not wait for it. The
// message names its saga, its order and its restaurant: the messaging
// adapter parks one that does not.
func (h *RestaurantApprovalRequestHelper) CancelOrder(ctx context.Context, request RestaurantApprovalRequest) error {
	log := h.log.With(logging.Trace(ctx), zap.Stringer("saga_id", request.SagaID), zap.Stringer("order_id", request.OrderID),
		zap.Stringer("restaurant_id", request.RestaurantID))
	var (
		was   kernel.OrderApprovalStatus
		moved bool
	)
	err := h.tx.Transact(ctx, func(ctx context.Context) error {
		approval, err := h.findApproval(ctx, request.OrderID, true)
		if err != nil {
			return err
		}
		if approval == nil {
			moved = true
			if err := h.approvals.Save(ctx, domain.NewCancelledOrderApproval(request.RestaurantID, request.OrderID)); err != nil {
				// kernel.ErrDuplicate: the approval request committed meanwhile;
				// a conflict, run again to find and cancel it.
				return kernel.WrapError(kernel.ECodeConflict, err, fmt.Sprintf("record cancellation of order %s", request.OrderID))
			}
			return nil
		}
		was = approval.Status()
		if was != kernel.OrderApprovalStatusApproved {
			return nil
		}
		if err := approval.Cancel(); err != nil {
			return err
		}
		moved = true
		if err := h.approvals.Update(ctx, approval); err != nil {
			return fmt.Errorf("cancel approval of order %s: %w", request.OrderID, err)
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case !moved:
		log.Info("order cancelled by order-service; nothing to undo", zap.String("approval_status", string(was)))
	case was == "":
		log.Info("order cancelled by order-service before the restaurant decided; its approval request will be rejected")
	default:
		log.Info("approved order cancelled by order-service; approval CANCELLED")
	}
	return nil
}

// findApproval returns the order's approval, locked when forUpdate, or nil
// when the order has none.
func (h *RestaurantApprovalRequestHelper) findApproval(ctx context.Context, orderID kernel.OrderID, forUpdate bool) (*domain.OrderApproval, error) {
	find := h.approvals.FindByOrderID
	if forUpdate {
		find = h.approvals.FindByOrderIDForUpdate
	}
	approval, err := find(ctx, orderID)
	if errors.Is(err, kernel.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find approval of order %s: %w", orderID, err)
	}
	return approval, nil
}
