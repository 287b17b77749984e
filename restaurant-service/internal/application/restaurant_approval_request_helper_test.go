package application_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/application/mocks"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

// txKey marks the context the fake transaction hands to its function, so
// expectations can require that a call happens inside the transaction.
type txKey struct{}

type inTx struct{}

func (inTx) Matches(x any) bool {
	ctx, ok := x.(context.Context)
	return ok && ctx.Value(txKey{}) != nil
}

func (inTx) String() string { return "a context inside the transaction" }

type helperMocks struct {
	tx          *mocks.MockTransactor
	restaurants *mocks.MockRestaurantRepository
	approvals   *mocks.MockOrderApprovalRepository
	outbox      *mocks.MockOrderOutboxRepository
	helper      *application.RestaurantApprovalRequestHelper
}

func newHelper(t *testing.T) helperMocks {
	ctrl := gomock.NewController(t)
	m := helperMocks{
		tx:          mocks.NewMockTransactor(ctrl),
		restaurants: mocks.NewMockRestaurantRepository(ctrl),
		approvals:   mocks.NewMockOrderApprovalRepository(ctrl),
		outbox:      mocks.NewMockOrderOutboxRepository(ctrl),
	}
	m.helper = application.NewRestaurantApprovalRequestHelper(m.tx, m.restaurants, m.approvals, domain.NewRestaurantDomainService(),
		application.NewOrderOutboxHelper(m.outbox), func() time.Time { return now }, zap.NewNop())
	return m
}

// expectTransaction expects exactly one transaction and runs its function.
func (m helperMocks) expectTransaction() {
	m.tx.EXPECT().Transact(gomock.Any(), gomock.Any()).Times(1).DoAndReturn(
		func(ctx context.Context, fn func(context.Context) error) error {
			return fn(context.WithValue(ctx, txKey{}, true))
		})
}

func catalogRestaurant(t *testing.T, active bool) *domain.Restaurant {
	t.Helper()
	p1, err := domain.UnmarshalProductFromDatabase(product1, "product_1", kernel.MustParseMoney("25.00"), false)
	require.NoError(t, err)
	p2, err := domain.UnmarshalProductFromDatabase(product2, "product_2", kernel.MustParseMoney("50.00"), true)
	require.NoError(t, err)
	r, err := domain.UnmarshalRestaurantFromDatabase(restaurant1, active, []*domain.Product{p1, p2})
	require.NoError(t, err)
	return r
}

func request(price string, products ...application.OrderProduct) application.RestaurantApprovalRequest {
	return application.RestaurantApprovalRequest{
		ID:                    kernel.NewID[kernel.MessageID](),
		SagaID:                kernel.NewID[kernel.SagaID](),
		RestaurantID:          restaurant1,
		OrderID:               kernel.NewID[kernel.OrderID](),
		RestaurantOrderStatus: kernel.RestaurantOrderStatusPaid,
		Products:              products,
		Price:                 kernel.MustParseMoney(price),
		CreatedAt:             now.Add(-time.Minute),
	}
}

// expectAnswer expects the approval and its outbox row to be saved inside the
// transaction with the given outcome.
func (m helperMocks) expectAnswer(t *testing.T, req application.RestaurantApprovalRequest, status kernel.OrderApprovalStatus, failures []string) {
	t.Helper()
	var saved *domain.OrderApproval
	save := m.approvals.EXPECT().Save(inTx{}, gomock.Any()).Times(1).DoAndReturn(
		func(_ context.Context, a *domain.OrderApproval) error {
			saved = a
			assert.False(t, a.ID().IsZero())
			assert.Equal(t, req.RestaurantID, a.RestaurantID())
			assert.Equal(t, req.OrderID, a.OrderID())
			assert.Equal(t, status, a.Status())
			assert.Equal(t, failures, a.FailureMessages())
			return nil
		})
	m.outbox.EXPECT().Save(inTx{}, gomock.Any()).Times(1).After(save).DoAndReturn(
		func(_ context.Context, msg application.OrderOutboxMessage) error {
			require.NotNil(t, saved)
			assert.False(t, msg.ID.IsZero())
			assert.Equal(t, req.SagaID, msg.SagaID)
			assert.Equal(t, now, msg.CreatedAt)
			assert.Equal(t, saga.OrderSagaName, msg.Type)
			assert.Equal(t, status, msg.ApprovalStatus)
			assert.Equal(t, outbox.StatusStarted, msg.OutboxStatus)
			assert.Equal(t, application.OrderEventPayload{
				OrderID:             req.OrderID,
				RestaurantID:        req.RestaurantID,
				CreatedAt:           now,
				OrderApprovalStatus: status,
				FailureMessages:     failures,
			}, msg.Payload)
			return nil
		})
}

func TestApproveOrderApproves(t *testing.T) {
	m := newHelper(t)
	req := request("100.00", application.OrderProduct{ID: product2, Quantity: 2})
	m.expectTransaction()
	m.approvals.EXPECT().FindByOrderID(inTx{}, req.OrderID).Return(nil, kernel.ErrNotFound)
	m.restaurants.EXPECT().FindRestaurantInformation(inTx{}, restaurant1, []kernel.ProductID{product2}).
		Return(catalogRestaurant(t, true), nil)
	m.expectAnswer(t, req, kernel.OrderApprovalStatusApproved, []string{})

	require.NoError(t, m.helper.ApproveOrder(context.Background(), req))
}

func TestApproveOrderRejects(t *testing.T) {
	tests := []struct {
		name     string
		active   bool
		status   kernel.RestaurantOrderStatus
		price    string
		products []application.OrderProduct
		failures func(req application.RestaurantApprovalRequest) []string
	}{
		{
			name: "inactive restaurant", active: false, status: kernel.RestaurantOrderStatusPaid, price: "50.00",
			products: []application.OrderProduct{{ID: product2, Quantity: 1}},
			failures: func(application.RestaurantApprovalRequest) []string {
				return []string{"Restaurant with id d215b5f8-0249-4dc5-89a3-51fd148cfb45 is not active"}
			},
		},
		{
			name: "order not paid", active: true, status: "PENDING", price: "50.00",
			products: []application.OrderProduct{{ID: product2, Quantity: 1}},
			failures: func(req application.RestaurantApprovalRequest) []string {
				return []string{"Payment is not completed for order: " + req.OrderID.String()}
			},
		},
		{
			name: "product not available", active: true, status: kernel.RestaurantOrderStatusPaid, price: "25.00",
			products: []application.OrderProduct{{ID: product1, Quantity: 1}},
			failures: func(application.RestaurantApprovalRequest) []string {
				return []string{"Product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb47 is not available"}
			},
		},
		{
			name: "product not offered", active: true, status: kernel.RestaurantOrderStatusPaid, price: "50.00",
			products: []application.OrderProduct{{ID: product9, Quantity: 1}},
			failures: func(application.RestaurantApprovalRequest) []string {
				return []string{"Product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb99 is not offered by restaurant with id: d215b5f8-0249-4dc5-89a3-51fd148cfb45"}
			},
		},
		{
			name: "wrong total", active: true, status: kernel.RestaurantOrderStatusPaid, price: "50.00",
			products: []application.OrderProduct{{ID: product2, Quantity: 2}},
			failures: func(req application.RestaurantApprovalRequest) []string {
				return []string{"Price total is not correct for order: " + req.OrderID.String()}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newHelper(t)
			req := request(tt.price, tt.products...)
			req.RestaurantOrderStatus = tt.status
			ids := make([]kernel.ProductID, len(tt.products))
			for i, p := range tt.products {
				ids[i] = p.ID
			}
			m.expectTransaction()
			m.approvals.EXPECT().FindByOrderID(inTx{}, req.OrderID).Return(nil, kernel.ErrNotFound)
			m.restaurants.EXPECT().FindRestaurantInformation(inTx{}, restaurant1, ids).Return(catalogRestaurant(t, tt.active), nil)
			m.expectAnswer(t, req, kernel.OrderApprovalStatusRejected, tt.failures(req))

			require.NoError(t, m.helper.ApproveOrder(context.Background(), req))
		})
	}
}

func TestApproveOrderRejectsUnknownRestaurant(t *testing.T) {
	m := newHelper(t)
	req := request("50.00", application.OrderProduct{ID: product2, Quantity: 1})
	m.expectTransaction()
	m.approvals.EXPECT().FindByOrderID(inTx{}, req.OrderID).Return(nil, kernel.ErrNotFound)
	m.restaurants.EXPECT().FindRestaurantInformation(inTx{}, restaurant1, []kernel.ProductID{product2}).
		Return(nil, fmt.Errorf("find restaurant %s: %w", restaurant1, kernel.ErrNotFound))
	m.expectAnswer(t, req, kernel.OrderApprovalStatusRejected,
		[]string{"Restaurant with id d215b5f8-0249-4dc5-89a3-51fd148cfb45 not found!"})

	require.NoError(t, m.helper.ApproveOrder(context.Background(), req))
}

func TestApproveOrderAlreadyAnsweredChangesNothing(t *testing.T) {
	m := newHelper(t)
	req := request("50.00", application.OrderProduct{ID: product2, Quantity: 1})
	m.expectTransaction()
	m.approvals.EXPECT().FindByOrderID(inTx{}, req.OrderID).Return(decided(t, req, kernel.OrderApprovalStatusApproved), nil)
	m.outbox.EXPECT().ResendBySagaID(inTx{}, req.SagaID).Return(true, nil)
	// No restaurant lookup, no approval, no outbox row: the strict mocks fail
	// the test on any of them.

	require.NoError(t, m.helper.ApproveOrder(context.Background(), req))
}

func TestApproveOrderConcurrentDuplicateIsAnswered(t *testing.T) {
	duplicate := fmt.Errorf("insert: %w", kernel.ErrDuplicate)
	tests := []struct {
		name           string
		approvalErr    error
		outboxSaveSeen bool
	}{
		{name: "order approval already stored", approvalErr: duplicate},
		{name: "outbox row already stored", outboxSaveSeen: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newHelper(t)
			req := request("50.00", application.OrderProduct{ID: product2, Quantity: 1})
			m.expectTransaction()
			m.approvals.EXPECT().FindByOrderID(inTx{}, req.OrderID).Return(nil, kernel.ErrNotFound)
			m.restaurants.EXPECT().FindRestaurantInformation(inTx{}, restaurant1, []kernel.ProductID{product2}).
				Return(catalogRestaurant(t, true), nil)
			m.approvals.EXPECT().Save(inTx{}, gomock.Any()).Return(tt.approvalErr)
			if tt.outboxSaveSeen {
				m.outbox.EXPECT().Save(inTx{}, gomock.Any()).Return(duplicate)
			}

			require.NoError(t, m.helper.ApproveOrder(context.Background(), req))
		})
	}
}

func TestApproveOrderReturnsTransientFailures(t *testing.T) {
	down := kernel.WrapError(kernel.ECodeUnavailable, errors.New("connection refused"), "database unavailable")
	tests := []struct {
		name   string
		expect func(m helperMocks, req application.RestaurantApprovalRequest)
	}{
		{
			name: "outbox lookup fails",
			expect: func(m helperMocks, req application.RestaurantApprovalRequest) {
				m.approvals.EXPECT().FindByOrderID(inTx{}, req.OrderID).Return(decided(t, req, kernel.OrderApprovalStatusApproved), nil)
				m.outbox.EXPECT().ResendBySagaID(inTx{}, req.SagaID).Return(false, down)
			},
		},
		{
			name: "restaurant lookup fails",
			expect: func(m helperMocks, req application.RestaurantApprovalRequest) {
				m.approvals.EXPECT().FindByOrderID(inTx{}, req.OrderID).Return(nil, kernel.ErrNotFound)
				m.restaurants.EXPECT().FindRestaurantInformation(inTx{}, restaurant1, gomock.Any()).Return(nil, down)
			},
		},
		{
			name: "outbox insert fails",
			expect: func(m helperMocks, req application.RestaurantApprovalRequest) {
				m.approvals.EXPECT().FindByOrderID(inTx{}, req.OrderID).Return(nil, kernel.ErrNotFound)
				m.restaurants.EXPECT().FindRestaurantInformation(inTx{}, restaurant1, gomock.Any()).Return(catalogRestaurant(t, true), nil)
				m.approvals.EXPECT().Save(inTx{}, gomock.Any()).Return(nil)
				m.outbox.EXPECT().Save(inTx{}, gomock.Any()).Return(down)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newHelper(t)
			req := request("50.00", application.OrderProduct{ID: product2, Quantity: 1})
			m.expectTransaction()
			tt.expect(m, req)

			err := m.helper.ApproveOrder(context.Background(), req)
			require.Error(t, err)
			assert.ErrorIs(t, err, down)
			assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(err), "a transient failure must be retried, not dead-lettered")
		})
	}
}

func TestApproveOrderRejectsInvalidRequestsWithTheReason(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*application.RestaurantApprovalRequest)
		reason func(req application.RestaurantApprovalRequest) string
	}{
		{
			name:   "no products",
			mutate: func(r *application.RestaurantApprovalRequest) { r.Products = nil },
			reason: func(r application.RestaurantApprovalRequest) string {
				return "No products in order: " + r.OrderID.String()
			},
		},
		{
			name:   "zero quantity",
			mutate: func(r *application.RestaurantApprovalRequest) { r.Products[0].Quantity = 0 },
			reason: func(r application.RestaurantApprovalRequest) string {
				return "Quantity 0 of product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb48 is not positive in order: " + r.OrderID.String()
			},
		},
		{
			name:   "negative quantity",
			mutate: func(r *application.RestaurantApprovalRequest) { r.Products[0].Quantity = -1 },
			reason: func(r application.RestaurantApprovalRequest) string {
				return "Quantity -1 of product with id: d215b5f8-0249-4dc5-89a3-51fd148cfb48 is not positive in order: " + r.OrderID.String()
			},
		},
		{
			name:   "product without id",
			mutate: func(r *application.RestaurantApprovalRequest) { r.Products[0].ID = kernel.ProductID{} },
			reason: func(r application.RestaurantApprovalRequest) string {
				return "Product id is missing on line 1 of order: " + r.OrderID.String()
			},
		},
		{
			name:   "negative price",
			mutate: func(r *application.RestaurantApprovalRequest) { r.Price = kernel.MustParseMoney("-50.00") },
			reason: func(r application.RestaurantApprovalRequest) string {
				return "Price total -50.00 is negative for order: " + r.OrderID.String()
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newHelper(t)
			req := request("50.00", application.OrderProduct{ID: product2, Quantity: 1})
			tt.mutate(&req)
			m.expectTransaction()
			m.approvals.EXPECT().FindByOrderID(inTx{}, req.OrderID).Return(nil, kernel.ErrNotFound)
			// No catalog lookup: the request is refused on its own.
			m.expectAnswer(t, req, kernel.OrderApprovalStatusRejected, []string{tt.reason(req)})

			require.NoError(t, m.helper.ApproveOrder(context.Background(), req))
		})
	}
}

func TestApproveOrderRejectsRequestWithoutRestaurant(t *testing.T) {
	m := newHelper(t)
	req := request("50.00", application.OrderProduct{ID: product2, Quantity: 1})
	req.RestaurantID = kernel.RestaurantID{}
	var msg application.OrderOutboxMessage
	m.expectTransaction()
	m.outbox.EXPECT().ResendBySagaID(inTx{}, req.SagaID).Return(false, nil)
	m.approvals.EXPECT().FindByOrderID(inTx{}, req.OrderID).Return(nil, kernel.ErrNotFound)
	// No catalog lookup and no approval row: an approval belongs to a
	// restaurant. The answer alone is written.
	m.outbox.EXPECT().Save(inTx{}, gomock.Any()).DoAndReturn(func(_ context.Context, saved application.OrderOutboxMessage) error {
		msg = saved
		return nil
	})

	require.NoError(t, m.helper.ApproveOrder(context.Background(), req))

	assert.Equal(t, req.SagaID, msg.SagaID)
	assert.Equal(t, kernel.OrderApprovalStatusRejected, msg.ApprovalStatus)
	assert.Equal(t, application.OrderEventPayload{
		OrderID:             req.OrderID,
		CreatedAt:           now,
		OrderApprovalStatus: kernel.OrderApprovalStatusRejected,
		FailureMessages:     []string{"Restaurant id is missing in the approval request of order: " + req.OrderID.String()},
	}, msg.Payload)
}

func TestApproveOrderInvalidRequestAlreadyAnsweredChangesNothing(t *testing.T) {
	m := newHelper(t)
	req := request("50.00")
	m.expectTransaction()
	m.approvals.EXPECT().FindByOrderID(inTx{}, req.OrderID).Return(decided(t, req, kernel.OrderApprovalStatusRejected), nil)
	m.outbox.EXPECT().ResendBySagaID(inTx{}, req.SagaID).Return(true, nil)

	require.NoError(t, m.helper.ApproveOrder(context.Background(), req))
}

// decided is the stored approval of an order decided before; a rejection
// gives its reason.
func decided(t *testing.T, req application.RestaurantApprovalRequest, status kernel.OrderApprovalStatus) *domain.OrderApproval {
	t.Helper()
	var reasons []string
	if status == kernel.OrderApprovalStatusRejected {
		reasons = []string{"No products in order: " + req.OrderID.String()}
	}
	approval, err := domain.UnmarshalOrderApprovalFromDatabase(kernel.NewID[kernel.OrderApprovalID](), req.RestaurantID,
		req.OrderID, status, reasons)
	require.NoError(t, err)
	return approval
}
