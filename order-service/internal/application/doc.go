// Package application is order-application-service: the use cases of
// order-service and the ports they are reached through and reach out by.
//
// Input ports (implemented here, driven by the rest and messaging adapters):
// OrderApplicationService (by *OrderService, made of *OrderCreateHelper and
// *OrderTrackCommandHandler), PaymentResponseMessageListener (by the saga
// step itself, *OrderPaymentSaga), RestaurantApprovalResponseMessageListener
// (by *OrderApprovalSaga) and OrderSagaQueryService, the
// saga's read side for the people who run the system (by
// *OrderSagaQueryHandler). The walkthrough names the Java implementations
// <Port>Impl; Go cannot give a type and its interface one name, so the
// implementations are named for what they are.
//
// Output ports (implemented by dataaccess and messaging): the repositories,
// the two request publishers and the Transactor; and SagaMetrics, which the
// service's metrics implement, so that the sagas are counted without the use
// cases knowing Prometheus. Every use case and every saga step is one
// transaction covering its reads and writes.
//
// The saga follows the original system's table:
//
//	step                        payment_outbox rows             order_approval_outbox row   order
//	create                      P1 PENDING/STARTED (new)        -                           PENDING
//	payment COMPLETED           P1 PAID/PROCESSING              PAID/PROCESSING (new)       PAID
//	restaurant APPROVED         P1 APPROVED/SUCCEEDED           APPROVED/SUCCEEDED          APPROVED
//	restaurant REJECTED         P2 CANCELLING/COMPENSATING (new) CANCELLING/COMPENSATING    CANCELLING
//	payment CANCELLED (refund)  P1, P2 CANCELLED/COMPENSATED    CANCELLED/COMPENSATED       CANCELLED
//	payment FAILED              P1 CANCELLED/COMPENSATED        -                           CANCELLED
//
// (order status / saga status). P1 asks for the payment (payment_order_status
// PENDING), P2 for the refund (CANCELLED). A reply that finds no row in the
// status its step expects was handled before and changes nothing.
package application
