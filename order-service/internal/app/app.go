// Package app builds order-service from its configuration and runs it: it
// opens the connections, brings the schema and the topics up to date, wires
// the adapters to the application and runs the long-lived components until
// they stop, then closes what it opened. It is the one package that knows
// every other; main only reads the configuration and builds the logger.
package app

import (
	"context"
	"time"

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

// Service names the service in traces and logs.
const Service = "order-service"

// App is order-service wired: its components, ready to run, and what to
// close once they have stopped.
type App struct {
	cfg        config.Config
	log        *zap.Logger
	components []lifecycle.Component
	closers    []func()
}

// New connects to PostgreSQL and Kafka, migrates the schema, ensures the
// topics and wires every component. On error it closes what it opened.
func New(ctx context.Context, cfg config.Config, log *zap.Logger) (_ *App, err error) {
	a := &App{cfg: cfg, log: log}
	defer func() {
		if err != nil {
			a.close()
		}
	}()

	// Tracing first, so that the spans of everything after it are kept, and
	// shut down (flushed) last.
	spans, err := tracing.Start(ctx, cfg.Tracing, Service, log)
	if err != nil {
		return nil, err
	}
	a.onClose(func() {
		if err := spans.Shutdown(ctx); err != nil {
			log.Warn("tracing shutdown failed", zap.Error(err))
		}
	})
	db, err := postgres.Open(ctx, cfg.Postgres, log)
	if err != nil {
		return nil, err
	}
	a.onClose(func() { postgres.Close(db) })
	if err := spans.InstrumentDB(db); err != nil {
		return nil, err
	}
	if err := postgres.Prepare(ctx, cfg.Postgres, db, migrations.FS, migrations.DevelopmentSeed, log); err != nil {
		return nil, err
	}
	if err := kafka.EnsureTopics(ctx, cfg.Kafka, cfg.Topics.Specs()); err != nil {
		return nil, err
	}
	// Metrics: one registry for the process, served at the admin listener's GET /metrics.
	pool, err := db.DB()
	if err != nil {
		return nil, err
	}
	reg := metrics.NewRegistry(pool, cfg.Postgres.Schema)
	kafkaMetrics := kafka.NewMetrics(reg)
	outboxMetrics := metrics.NewOutboxMetrics(reg)
	// Closed after every component has stopped: the relay publishes and the
	// consumer dead-letters through it.
	producer, err := kafka.NewProducer(cfg.Kafka, log, kafka.WithProducerMetrics(kafkaMetrics))
	if err != nil {
		return nil, err
	}
	a.onClose(func() {
		if err := producer.Close(); err != nil {
			log.Warn("closing kafka producer", zap.Error(err))
		}
	})

	// The relays ("schedulers") before the outbox repositories, which hand
	// them the rows they write to publish at commit.
	paymentOutboxStore := dataaccess.NewPaymentOutboxStore(db, cfg.Outbox.Archive)
	approvalOutboxStore := dataaccess.NewApprovalOutboxStore(db, cfg.Outbox.Archive)
	paymentOutboxRelay := application.NewPaymentOutboxScheduler(outboxMetrics.Instrument(paymentOutboxStore),
		messaging.NewOrderPaymentEventKafkaPublisher(producer, cfg.Topics.PaymentRequest, log), cfg.Outbox.Relays.PaymentOutbox, log)
	approvalOutboxRelay := application.NewRestaurantApprovalOutboxScheduler(outboxMetrics.Instrument(approvalOutboxStore),
		messaging.NewOrderApprovalEventKafkaPublisher(producer, cfg.Topics.RestaurantApprovalRequest, log),
		cfg.Outbox.Relays.OrderApprovalOutbox, log)
	paymentOutboxCleaner := application.NewPaymentOutboxCleanerScheduler(paymentOutboxStore, cfg.Outbox.Cleaners.PaymentOutbox, log)
	approvalOutboxCleaner := application.NewRestaurantApprovalOutboxCleanerScheduler(approvalOutboxStore,
		cfg.Outbox.Cleaners.OrderApprovalOutbox, log)

	// Adapters the application drives, and the application.
	tx := postgres.NewTransactor(db)
	orders := dataaccess.NewOrderRepository(db)
	idempotencyKeys := dataaccess.NewIdempotencyKeyRepository(db)
	paymentOutbox := application.NewPaymentOutboxHelper(dataaccess.NewPaymentOutboxRepository(db, paymentOutboxRelay))
	approvalOutbox := application.NewApprovalOutboxHelper(dataaccess.NewApprovalOutboxRepository(db, approvalOutboxRelay))
	orderDomain := domain.NewOrderDomainService(time.Now)
	sagaQueries := application.NewOrderSagaQueryHandler(dataaccess.NewSagaHistoryRepository(db), cfg.Saga.StuckAfter)
	sagaHelper := application.NewOrderSagaHelper(orders, ordermetrics.NewSagas(reg, sagaQueries))
	orderService := application.NewOrderService(
		application.NewOrderCreateHelper(tx, orders, dataaccess.NewCustomerRepository(db), dataaccess.NewRestaurantRepository(db),
			orderDomain, paymentOutbox, cfg.Order.MaxItems, log, application.WithIdempotencyKeys(idempotencyKeys)),
		application.NewOrderTrackCommandHandler(orders),
	)
	paymentSaga := application.NewOrderPaymentSaga(tx, orderDomain, sagaHelper, paymentOutbox, approvalOutbox, log)
	approvalSaga := application.NewOrderApprovalSaga(tx, orderDomain, sagaHelper, paymentOutbox, approvalOutbox, log)
	sagaDeadlines := application.NewSagaDeadlineScheduler(tx, paymentOutbox, approvalOutbox, paymentSaga, approvalSaga, cfg.Saga, log)
	idempotencyKeyCleaner := application.NewIdempotencyKeyCleaner(idempotencyKeys, cfg.Idempotency, log)

	// Adapters that drive the application: the saga steps take the replies.
	paymentResponseConsumer, err := kafka.NewConsumer(cfg.Kafka, cfg.Consumers.PaymentResponse.WithTopics(cfg.Topics.PaymentResponse),
		messaging.NewPaymentResponseKafkaListener(paymentSaga, log).Handle, producer, log,
		kafka.InTransaction(tx.Transact), kafka.WithConsumerMetrics(kafkaMetrics))
	if err != nil {
		return nil, err
	}
	approvalResponseConsumer, err := kafka.NewConsumer(cfg.Kafka,
		cfg.Consumers.RestaurantApprovalResponse.WithTopics(cfg.Topics.RestaurantApprovalResponse),
		messaging.NewRestaurantApprovalResponseKafkaListener(approvalSaga, log).Handle, producer, log,
		kafka.InTransaction(tx.Transact), kafka.WithConsumerMetrics(kafkaMetrics))
	if err != nil {
		return nil, err
	}
	servers := httpserver.NewServers(cfg.HTTP, cfg.Admin, log,
		httpserver.Check{Name: "postgres", Probe: postgres.Ping(db)},
		httpserver.Check{Name: "kafka", Probe: kafka.Ping(cfg.Kafka)})
	spans.InstrumentHTTP(servers.API.Echo())
	rest.NewOrderHandler(orderService).Register(servers.API.Echo())
	rest.NewSagaHandler(sagaQueries).Register(servers.API.Echo(), servers.Admin.Echo())
	servers.ServeMetrics(reg)

	a.components = []lifecycle.Component{
		{Name: "http", Run: servers.Run},
		{Name: "payment_response_consumer", Run: paymentResponseConsumer.Run},
		{Name: "restaurant_approval_response_consumer", Run: approvalResponseConsumer.Run},
		{Name: "payment_outbox_relay", Run: paymentOutboxRelay.Run},
		{Name: "order_approval_outbox_relay", Run: approvalOutboxRelay.Run},
		{Name: "payment_outbox_cleaner", Run: paymentOutboxCleaner.Run},
		{Name: "order_approval_outbox_cleaner", Run: approvalOutboxCleaner.Run},
		{Name: "idempotency_key_cleaner", Run: idempotencyKeyCleaner.Run},
		{Name: "saga_deadline_scheduler", Run: sagaDeadlines.Run},
	}
	return a, nil
}

// Run runs every component until ctx is cancelled, SIGINT or SIGTERM
// arrives or one of them fails, then closes what New opened. It returns the
// first failure.
func (a *App) Run(ctx context.Context) error {
	defer a.close()
	a.log.Info(Service+" starting", zap.String("http", a.cfg.HTTP.Address), zap.String("admin", a.cfg.Admin.Address),
		zap.String("payment_requests", a.cfg.Topics.PaymentRequest), zap.String("payment_responses", a.cfg.Topics.PaymentResponse),
		zap.String("approval_requests", a.cfg.Topics.RestaurantApprovalRequest),
		zap.String("approval_responses", a.cfg.Topics.RestaurantApprovalResponse))
	return lifecycle.Run(ctx, a.log, a.components...)
}

// onClose registers fn to run when the app closes, before what was opened
// earlier.
func (a *App) onClose(fn func()) { a.closers = append(a.closers, fn) }

// close closes what New opened, last opened first.
func (a *App) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}
