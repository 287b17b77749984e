package application

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
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
// Otherwise the restaurant is loaded with the ordered products, the domain
// service decides, and the approval and its outbox row are stored in one
// transaction. An unknown restaurant is answered REJECTED, not retried.
func (h *RestaurantApprovalRequestHelper) PersistOrderApproval(ctx context.Context, request RestaurantApprovalRequest) error {
	order, err := orderDetailOf(request)
	if err != nil {
		return kernel.WrapError(kernel.ECodeInvalid, err, fmt.Sprintf("approval request of saga %s is invalid", request.SagaID))
	}
	log := h.log.With(zap.Stringer("sagaId", request.SagaID), zap.Stringer("orderId", request.OrderID))

	var (
		answered bool
		event    domain.OrderApprovalEvent
	)
	err = h.tx.Transact(ctx, func(ctx context.Context) error {
		var err error
		if answered, err = h.outbox.IsAnswered(ctx, request.SagaID); err != nil || answered {
			return err
		}
		if event, err = h.decide(ctx, request.RestaurantID, order); err != nil {
			return err
		}
		approval := event.OrderApproval()
		if err := h.approvals.Save(ctx, approval); err != nil {
			return fmt.Errorf("save approval of order %s: %w", approval.OrderID(), err)
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
		zap.Strings("failureMessages", approval.FailureMessages()))
	return nil
}

// decide loads the restaurant and lets the domain service judge the order.
func (h *RestaurantApprovalRequestHelper) decide(ctx context.Context, restaurantID kernel.RestaurantID, order domain.OrderDetail) (domain.OrderApprovalEvent, error) {
	restaurant, err := h.restaurants.FindRestaurantInformation(ctx, restaurantID, order.ProductIDs())
	switch {
	case kernel.ErrorCodeOf(err) == kernel.ECodeNotFound:
		return h.domain.RejectUnknownRestaurant(restaurantID, order, h.now()), nil
	case err != nil:
		return nil, fmt.Errorf("find restaurant %s: %w", restaurantID, err)
	}
	return h.domain.ValidateOrder(restaurant, order, h.now()), nil
}

// orderDetailOf builds the domain's view of the requested order. The wire
// status of an approval request is the order's status (PAID), so it maps onto
// kernel.OrderStatus; anything else is left for the domain to reject.
func orderDetailOf(request RestaurantApprovalRequest) (domain.OrderDetail, error) {
	if request.SagaID.IsZero() || request.RestaurantID.IsZero() {
		return domain.OrderDetail{}, errors.New("the saga id and the restaurant id are required")
	}
	lines := make([]domain.OrderLine, len(request.Products))
	for i, p := range request.Products {
		lines[i] = domain.OrderLine{ProductID: p.ID, Quantity: p.Quantity}
	}
	return domain.NewOrderDetail(request.OrderID, kernel.OrderStatus(request.RestaurantOrderStatus), request.Price, lines)
}

// payloadOf is the outbox payload of a decision.
func payloadOf(event domain.OrderApprovalEvent) OrderEventPayload {
	approval := event.OrderApproval()
	return OrderEventPayload{
		OrderID:             approval.OrderID(),
		RestaurantID:        approval.RestaurantID(),
		CreatedAt:           event.CreatedAt(),
		OrderApprovalStatus: approval.Status(),
		FailureMessages:     approval.FailureMessages(),
	}
}
