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
// outbox answer in one transaction.
type RestaurantApprovalRequestHelper struct {
	tx          Transactor
	domain      *domain.RestaurantDomainService
	restaurants RestaurantRepository
	approvals   OrderApprovalRepository
	outbox      *OrderOutboxHelper
	now         func() time.Time
	log         *zap.Logger
}

// NewRestaurantApprovalRequestHelper wires the use case. now stamps the
// answers; pass time.Now outside tests.
func NewRestaurantApprovalRequestHelper(
	tx Transactor,
	domainService *domain.RestaurantDomainService,
	restaurants RestaurantRepository,
	approvals OrderApprovalRepository,
	outboxHelper *OrderOutboxHelper,
	now func() time.Time,
	log *zap.Logger,
) *RestaurantApprovalRequestHelper {
	return &RestaurantApprovalRequestHelper{
		tx:          tx,
		domain:      domainService,
		restaurants: restaurants,
		approvals:   approvals,
		outbox:      outboxHelper,
		now:         now,
		log:         log,
	}
}

// PersistOrderApproval answers the request once. If the saga was already
// answered, nothing changes and no second answer is written; a concurrent
// delivery that loses the race on the unique indexes counts as answered too.
// Otherwise the approval and its outbox row are stored in one transaction.
//
// Every request that names its saga and its order is answered: a business
// dead end is an answer, not a dead letter. A request that describes no
// acceptable order (no products, a quantity below one, no restaurant), an
// unknown or inactive restaurant, a product it does not offer or a wrong
// total are all answered REJECTED with the reason, so the saga compensates
// the payment. Only a request without saga or order id, which no answer
// could name, is an error with code kernel.ECodeInvalid.
func (h *RestaurantApprovalRequestHelper) PersistOrderApproval(ctx context.Context, request RestaurantApprovalRequest) error {
	if request.SagaID.IsZero() || request.OrderID.IsZero() {
		return kernel.Errorf(kernel.ECodeInvalid, "approval request %s of saga %s and order %s cannot be answered: an id is missing",
			request.ID, request.SagaID, request.OrderID)
	}
	log := h.log.With(logging.Trace(ctx), zap.Stringer("saga_id", request.SagaID), zap.Stringer("order_id", request.OrderID),
		zap.Stringer("restaurant_id", request.RestaurantID))

	var (
		answered bool
		event    domain.OrderApprovalEvent
	)
	err := h.tx.Transact(ctx, func(ctx context.Context) error {
		var err error
		if answered, err = h.outbox.IsAnswered(ctx, request.SagaID); err != nil || answered {
			return err
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
		return h.outbox.SaveOrderOutboxMessage(ctx, payloadOf(event), approval.Status(), outbox.StatusStarted, request.SagaID)
	})
	switch {
	case errors.Is(err, ErrDuplicate):
		// A unique index refused the second answer: a concurrent delivery won, or
		// the first answer was already cleaned from the outbox.
		log.Info("approval request already answered (the order already has an approval); nothing to do")
		return nil
	case err != nil:
		return err
	case answered:
		log.Info("approval request already answered; nothing to do")
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
	order, err := orderDetailOf(request)
	if errors.Is(err, domain.ErrInvalidOrderDetail) {
		return h.domain.RejectInvalidOrder(request.RestaurantID, request.OrderID, kernel.ErrorMessageOf(err), h.now()), nil
	}
	if err != nil {
		return nil, err
	}
	restaurant, err := h.restaurants.FindRestaurantInformation(ctx, request.RestaurantID, order.ProductIDs())
	switch {
	case errors.Is(err, ErrNotFound):
		return h.domain.RejectUnknownRestaurant(request.RestaurantID, order, h.now()), nil
	case err != nil:
		return nil, fmt.Errorf("find restaurant %s: %w", request.RestaurantID, err)
	}
	return h.domain.ValidateOrder(restaurant, order, h.now()), nil
}
