package application_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/application/mocks"
	"github.com/food-ordering-system/order-service/internal/domain"
)

var (
	customerID   = kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb41")
	restaurantID = kernel.MustParseID[kernel.RestaurantID]("d215b5f8-0249-4dc5-89a3-51fd148cfb45")
	productID    = kernel.MustParseID[kernel.ProductID]("d215b5f8-0249-4dc5-89a3-51fd148cfb48")
	now          = time.Date(2024, 5, 1, 10, 30, 0, 123456000, time.UTC)
)

// fixture holds a mock of every output port and the application built on
// them. Repository calls are expected inside the transaction: the mocked
// Transactor hands fn a context marked as transactional, and inTx matches it.
type fixture struct {
	tx          *mocks.MockTransactor
	orders      *mocks.MockOrderRepository
	customers   *mocks.MockCustomerRepository
	restaurants *mocks.MockRestaurantRepository
	payments    *mocks.MockPaymentOutboxRepository
	approvals   *mocks.MockApprovalOutboxRepository
	sagaMetrics *mocks.MockSagaMetrics
	history     *mocks.MockSagaHistoryRepository

	service   *application.OrderService
	payment   *application.OrderPaymentSaga
	approval  *application.OrderApprovalSaga
	deadlines *application.SagaDeadlineScheduler
	queries   *application.OrderSagaQueryHandler
}

// deadlineConfig is the fixture's saga deadline: 30s, two resends.
var deadlineConfig = application.SagaDeadlineConfig{ReplyTimeout: 30 * time.Second, MaxResends: 2, BatchSize: 10,
	MaxResendInterval: 5 * time.Minute}

type txMarker struct{}

func newFixture(t *testing.T) *fixture {
	ctrl := gomock.NewController(t)
	f := &fixture{
		tx:          mocks.NewMockTransactor(ctrl),
		orders:      mocks.NewMockOrderRepository(ctrl),
		customers:   mocks.NewMockCustomerRepository(ctrl),
		restaurants: mocks.NewMockRestaurantRepository(ctrl),
		payments:    mocks.NewMockPaymentOutboxRepository(ctrl),
		approvals:   mocks.NewMockApprovalOutboxRepository(ctrl),
		sagaMetrics: mocks.NewMockSagaMetrics(ctrl),
		history:     mocks.NewMockSagaHistoryRepository(ctrl),
	}
	log := zap.NewNop()
	svc := domain.NewOrderDomainService(func() time.Time { return now })
	paymentOutbox := application.NewPaymentOutboxHelper(f.payments)
	approvalOutbox := application.NewApprovalOutboxHelper(f.approvals)
	sagaHelper := application.NewOrderSagaHelper(f.orders, f.sagaMetrics)
	f.service = application.NewOrderService(
		application.NewOrderCreateHelper(f.tx, f.orders, f.customers, f.restaurants, svc, paymentOutbox, 3, log),
		application.NewOrderTrackCommandHandler(f.orders),
	)
	paymentSaga := application.NewOrderPaymentSaga(f.tx, svc, sagaHelper, paymentOutbox, approvalOutbox, log)
	approvalSaga := application.NewOrderApprovalSaga(f.tx, svc, sagaHelper, paymentOutbox, approvalOutbox, log)
	f.payment, f.approval = paymentSaga, approvalSaga
	f.deadlines = application.NewSagaDeadlineScheduler(f.tx, paymentOutbox, approvalOutbox, paymentSaga, approvalSaga,
		deadlineConfig, log)
	f.queries = application.NewOrderSagaQueryHandler(f.history, stuckAfter)
	return f
}

// stuckAfter is the fixture's stuck threshold.
const stuckAfter = 5 * time.Minute

// expectSagaEnded expects the saga to be reported ended, inside the step's
// transaction, with the order and saga in the given statuses, and begun when
// its first payment row was written (the fixture's rows are all written at
// now).
func (f *fixture) expectSagaEnded(orderStatus kernel.OrderStatus, sagaStatus saga.Status) *gomock.Call {
	return f.sagaMetrics.EXPECT().SagaEnded(inTx, orderStatus, sagaStatus, now)
}

// expectTransaction expects one transaction and runs its function.
func (f *fixture) expectTransaction() {
	f.tx.EXPECT().Transact(gomock.Any(), gomock.Any()).DoAndReturn(
		func(ctx context.Context, fn func(context.Context) error) error {
			return fn(context.WithValue(ctx, txMarker{}, true))
		})
}

// inTx matches a context that carries the transaction.
var inTx gomock.Matcher = matcher("a transactional context", func(x any) bool {
	ctx, ok := x.(context.Context)
	return ok && ctx.Value(txMarker{}) != nil
})

type matchFunc struct {
	desc string
	fn   func(any) bool
}

func (m matchFunc) Matches(x any) bool { return m.fn(x) }
func (m matchFunc) String() string     { return m.desc }

func matcher(desc string, fn func(any) bool) gomock.Matcher { return matchFunc{desc, fn} }

// orderIn matches, at call time, an order of the given id in status.
func orderIn(id kernel.OrderID, status kernel.OrderStatus) gomock.Matcher {
	return matcher(fmt.Sprintf("order %s %s", id, status), func(x any) bool {
		o, ok := x.(*domain.Order)
		return ok && o.ID() == id && o.Status() == status
	})
}

func storedOrder(status kernel.OrderStatus, failures ...string) *domain.Order {
	items := []domain.OrderItem{
		kerneltest.Must(domain.UnmarshalOrderItemFromDatabase(1, productID, 1, kerneltest.Money("50"), kerneltest.Money("50"))),
		kerneltest.Must(domain.UnmarshalOrderItemFromDatabase(2, productID, 3, kerneltest.Money("50"), kerneltest.Money("150"))),
	}
	return kerneltest.Must(domain.UnmarshalOrderFromDatabase(kernel.NewID[kernel.OrderID](), customerID, restaurantID,
		kerneltest.Must(domain.NewStreetAddress("street_1", "1000AB", "Amsterdam")), kerneltest.Money("200.00"), items,
		kernel.NewID[kernel.TrackingID](), status, failures, 2))
}

// paymentRow returns a payment_outbox row of sagaID as the relay left it.
func paymentRow(sagaID kernel.SagaID, order kernel.OrderID, asks kernel.PaymentOrderStatus, orderStatus kernel.OrderStatus, sagaStatus saga.Status) *application.PaymentOutboxMessage {
	processed := now.Add(time.Second)
	return &application.PaymentOutboxMessage{
		ID:                 kernel.NewID[kernel.MessageID](),
		SagaID:             sagaID,
		CreatedAt:          now,
		ProcessedAt:        &processed,
		Type:               saga.OrderSagaName,
		Payload:            application.OrderPaymentEventPayload{OrderID: order, CustomerID: customerID, Price: kerneltest.Money("200"), CreatedAt: now, PaymentOrderStatus: asks},
		SagaStatus:         sagaStatus,
		OrderStatus:        orderStatus,
		OutboxStatus:       outbox.StatusCompleted,
		PaymentOrderStatus: asks,
		Version:            1,
	}
}

func approvalRow(sagaID kernel.SagaID, order kernel.OrderID, orderStatus kernel.OrderStatus, sagaStatus saga.Status) *application.OrderApprovalOutboxMessage {
	return &application.OrderApprovalOutboxMessage{
		ID:           kernel.NewID[kernel.MessageID](),
		SagaID:       sagaID,
		CreatedAt:    now,
		Type:         saga.OrderSagaName,
		Payload:      application.OrderApprovalEventPayload{OrderID: order, RestaurantID: restaurantID},
		SagaStatus:   sagaStatus,
		OrderStatus:  orderStatus,
		OutboxStatus: outbox.StatusCompleted,
		Version:      1,
	}
}

// paymentRowIn matches, at call time, the row with id in the given statuses.
func paymentRowIn(row *application.PaymentOutboxMessage, orderStatus kernel.OrderStatus, sagaStatus saga.Status) gomock.Matcher {
	id, outboxStatus, processed := row.ID, row.OutboxStatus, row.ProcessedAt
	return matcher(fmt.Sprintf("payment row %s %s/%s", id, orderStatus, sagaStatus), func(x any) bool {
		m, ok := x.(*application.PaymentOutboxMessage)
		return ok && m.ID == id && m.OrderStatus == orderStatus && m.SagaStatus == sagaStatus &&
			m.OutboxStatus == outboxStatus && m.ProcessedAt == processed
	})
}

func approvalRowIn(row *application.OrderApprovalOutboxMessage, orderStatus kernel.OrderStatus, sagaStatus saga.Status) gomock.Matcher {
	id, outboxStatus := row.ID, row.OutboxStatus
	return matcher(fmt.Sprintf("approval row %s %s/%s", id, orderStatus, sagaStatus), func(x any) bool {
		m, ok := x.(*application.OrderApprovalOutboxMessage)
		return ok && m.ID == id && m.OrderStatus == orderStatus && m.SagaStatus == sagaStatus && m.OutboxStatus == outboxStatus
	})
}

func paymentResponse(sagaID kernel.SagaID, order kernel.OrderID, status kernel.PaymentStatus, failures ...string) application.PaymentResponse {
	return application.PaymentResponse{
		ID: kernel.NewID[kernel.MessageID](), SagaID: sagaID, OrderID: order, PaymentID: kernel.NewID[kernel.PaymentID](),
		CustomerID: customerID, Price: kerneltest.Money("200"), CreatedAt: now, PaymentStatus: status, FailureMessages: failures,
	}
}

// rejectedSaga returns a saga whose restaurant rejected the paid order, as
// the approval step leaves it: the order CANCELLING, its payment row P1
// PAID/PROCESSING, and the refund request P2 and the approval row
// CANCELLING/COMPENSATING.
func rejectedSaga() (kernel.SagaID, *domain.Order, *application.PaymentOutboxMessage, *application.PaymentOutboxMessage, *application.OrderApprovalOutboxMessage) {
	sagaID := kernel.NewID[kernel.SagaID]()
	order := storedOrder(kernel.OrderStatusCancelling, "restaurant rejected")
	return sagaID, order,
		paymentRow(sagaID, order.ID(), kernel.PaymentOrderStatusPending, kernel.OrderStatusPaid, saga.StatusProcessing),
		paymentRow(sagaID, order.ID(), kernel.PaymentOrderStatusCancelled, kernel.OrderStatusCancelling, saga.StatusCompensating),
		approvalRow(sagaID, order.ID(), kernel.OrderStatusCancelling, saga.StatusCompensating)
}
