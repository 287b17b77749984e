// Command order-service places orders and drives the order saga: it serves
// the orders API, relays its two outbox tables to Kafka and handles the
// payment and restaurant replies.
package main

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/httpserver"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/lifecycle"
	"github.com/food-ordering-system/infrastructure/metrics"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/tracing"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/config"
	"github.com/food-ordering-system/order-service/internal/dataaccess"
	"github.com/food-ordering-system/order-service/internal/domain"
	"github.com/food-ordering-system/order-service/internal/messaging"
	ordermetrics "github.com/food-ordering-system/order-service/internal/metrics"
	"github.com/food-ordering-system/order-service/internal/rest"
	"github.com/food-ordering-system/order-service/migrations"
)

func main() {
	lifecycle.Main("order-service", config.EnvPrefix, run)
}

// run wires order-service and runs it until ctx is cancelled, SIGINT or
// SIGTERM arrives, or a component fails.
func run(ctx context.Context, cfg config.Config, log *zap.Logger) error {
	// Tracing first, so that the spans of everything after it are kept, and
	// shut down (flushed) last.
	spans, err := tracing.Start(ctx, cfg.Tracing, "order-service", log)
	if err != nil {
		return err
	}
	defer func() {
		if err := spans.Shutdown(ctx); err != nil {
			log.Warn("tracing shutdown failed", zap.Error(err))
		}
	}()

	db, err := postgres.Open(ctx, cfg.Postgres, log)
	if err != nil {
		return err
	}
	if err := spans.InstrumentDB(db); err != nil {
		return err
	}
	defer postgres.Close(db)
	if err := postgres.Prepare(ctx, cfg.Postgres, db, migrations.FS, migrations.DevelopmentSeed, log); err != nil {
		return err
	}
	if err := kafka.EnsureTopics(ctx, cfg.Kafka, cfg.Topics.Specs()); err != nil {
		return err
	}
	// Metrics: one registry for the process, served at the admin listener's GET /metrics.
	pool, err := db.DB()
	if err != nil {
		return err
	}
	reg := metrics.NewRegistry(pool, cfg.Postgres.Schema)
	kafkaMetrics := kafka.NewMetrics(reg)
	outboxMetrics := metrics.NewOutboxMetrics(reg)

	producer, err := kafka.NewProducer(cfg.Kafka, log, kafka.WithProducerMetrics(kafkaMetrics))
	if err != nil {
		return err
	}
	defer producer.Close()

	// The relays ("schedulers") first: the outbox repositories hand them
	// the rows they write, to publish at commit.
	paymentStore := dataaccess.NewPaymentOutboxStore(db, cfg.Outbox.Archive)
	approvalStore := dataaccess.NewApprovalOutboxStore(db, cfg.Outbox.Archive)
	paymentScheduler := application.NewPaymentOutboxScheduler(outboxMetrics.Instrument(paymentStore),
		messaging.NewOrderPaymentEventKafkaPublisher(producer, cfg.Topics.PaymentRequest, log), cfg.Outbox.PaymentRelay, log)
	approvalScheduler := application.NewRestaurantApprovalOutboxScheduler(outboxMetrics.Instrument(approvalStore),
		messaging.NewOrderApprovalEventKafkaPublisher(producer, cfg.Topics.RestaurantApprovalRequest, log), cfg.Outbox.ApprovalRelay, log)

	// Output adapters.
	tx := postgres.NewTransactor(db)
	orders := dataaccess.NewOrderRepository(db)
	paymentOutbox := application.NewPaymentOutboxHelper(dataaccess.NewPaymentOutboxRepository(db, paymentScheduler))
	approvalOutbox := application.NewApprovalOutboxHelper(dataaccess.NewApprovalOutboxRepository(db, approvalScheduler))

	// Application.
	orderDomain := domain.NewOrderDomainService(nil)
	sagaQueries := application.NewOrderSagaQueryHandler(dataaccess.NewSagaHistoryRepository(db), cfg.Saga.StuckAfter)
	sagaHelper := application.NewOrderSagaHelper(orders, ordermetrics.NewSagas(reg, sagaQueries))
	idempotencyKeys := dataaccess.NewIdempotencyKeyRepository(db)
	orderService := application.NewOrderService(
		application.NewOrderCreateCommandHandler(tx,
			application.NewOrderCreateHelper(orderDomain, orders, dataaccess.NewCustomerRepository(db), dataaccess.NewRestaurantRepository(db)),
			paymentOutbox, cfg.Order.MaxItems, log, application.WithIdempotencyKeys(idempotencyKeys)),
		application.NewOrderTrackCommandHandler(orders),
	)
	paymentSaga := application.NewOrderPaymentSaga(tx, orderDomain, sagaHelper, paymentOutbox, approvalOutbox, log)
	approvalSaga := application.NewOrderApprovalSaga(tx, orderDomain, sagaHelper, paymentOutbox, approvalOutbox, log)
	deadlines := application.NewSagaDeadlineScheduler(tx, paymentOutbox, approvalOutbox, paymentSaga, approvalSaga, cfg.Saga, log)

	// Cleaners.
	paymentCleaner := application.NewPaymentOutboxCleanerScheduler(paymentStore, cfg.Outbox.PaymentCleaner, log)
	approvalCleaner := application.NewRestaurantApprovalOutboxCleanerScheduler(approvalStore, cfg.Outbox.ApprovalCleaner, log)
	keyCleaner := application.NewIdempotencyKeyCleaner(idempotencyKeys, cfg.Idempotency, log)

	// Reply listeners.
	paymentListener := messaging.NewPaymentResponseKafkaListener(application.NewPaymentResponseHandler(paymentSaga), log)
	paymentConsumer, err := kafka.NewConsumer(cfg.Kafka, cfg.Consumers.PaymentResponse.WithTopics(cfg.Topics.PaymentResponse),
		paymentListener.Handle, producer, log, kafka.InTransaction(tx.Transact), kafka.WithConsumerMetrics(kafkaMetrics))
	if err != nil {
		return err
	}
	approvalListener := messaging.NewRestaurantApprovalResponseKafkaListener(application.NewRestaurantApprovalResponseHandler(approvalSaga), log)
	approvalConsumer, err := kafka.NewConsumer(cfg.Kafka, cfg.Consumers.RestaurantApprovalResponse.WithTopics(cfg.Topics.RestaurantApprovalResponse),
		approvalListener.Handle, producer, log, kafka.InTransaction(tx.Transact), kafka.WithConsumerMetrics(kafkaMetrics))
	if err != nil {
		return err
	}

	// HTTP.
	servers := httpserver.NewServers(cfg.HTTP, cfg.Admin, log,
		httpserver.Check{Name: "postgres", Probe: postgres.Ping(db)},
		httpserver.Check{Name: "kafka", Probe: kafka.Ping(cfg.Kafka)})
	spans.InstrumentHTTP(servers.API.Echo())
	rest.NewOrderHandler(orderService).Register(servers.API.Echo())
	rest.NewSagaHandler(sagaQueries).Register(servers.API.Echo(), servers.Admin.Echo())
	servers.ServeMetrics(reg)

	return lifecycle.Run(ctx, log,
		lifecycle.Component{Name: "http", Run: servers.Run},
		lifecycle.Component{Name: "payment-outbox-scheduler", Run: paymentScheduler.Run},
		lifecycle.Component{Name: "restaurant-approval-outbox-scheduler", Run: approvalScheduler.Run},
		lifecycle.Component{Name: "payment-outbox-cleaner", Run: paymentCleaner.Run},
		lifecycle.Component{Name: "restaurant-approval-outbox-cleaner", Run: approvalCleaner.Run},
		lifecycle.Component{Name: "idempotency-key-cleaner", Run: keyCleaner.Run},
		lifecycle.Component{Name: "payment-response-listener", Run: paymentConsumer.Run},
		lifecycle.Component{Name: "restaurant-approval-response-listener", Run: approvalConsumer.Run},
		lifecycle.Component{Name: "saga-deadline-scheduler", Run: deadlines.Run},
	)
}
