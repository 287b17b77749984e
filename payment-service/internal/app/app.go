// Package app builds payment-service from its configuration and runs it: it
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
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/config"
	"github.com/food-ordering-system/payment-service/internal/dataaccess"
	"github.com/food-ordering-system/payment-service/internal/domain"
	"github.com/food-ordering-system/payment-service/internal/messaging"
	"github.com/food-ordering-system/payment-service/internal/rest"
	"github.com/food-ordering-system/payment-service/migrations"
)

// Service names the service in traces and logs.
const Service = "payment-service"

// App is payment-service wired: its components, ready to run, and what to
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

	// The relay ("scheduler") before the outbox repository, which hands it
	// the rows it writes to publish at commit.
	orderOutboxStore := dataaccess.NewOrderOutboxStore(db, cfg.Outbox.Archive)
	orderOutboxRelay := application.NewOrderOutboxScheduler(outboxMetrics.Instrument(orderOutboxStore),
		messaging.NewPaymentEventKafkaPublisher(producer, cfg.Topics.PaymentResponse, log), cfg.Outbox.Relays.OrderOutbox, log)
	orderOutboxCleaner := application.NewOrderOutboxCleanerScheduler(orderOutboxStore, cfg.Outbox.Cleaners.OrderOutbox, log)

	// Adapters the application drives, and the application.
	tx := postgres.NewTransactor(db)
	credits := dataaccess.NewCreditEntryRepository(db)
	history := dataaccess.NewCreditHistoryRepository(db)
	payments := application.NewPaymentRequestHelper(tx, dataaccess.NewPaymentRepository(db), credits, history,
		domain.NewPaymentDomainService(time.Now),
		application.NewOrderOutboxHelper(dataaccess.NewOrderOutboxRepository(db, orderOutboxRelay)), log)
	creditQuery := application.NewCustomerCreditQueryHandler(tx, credits, history)

	// Adapters that drive the application.
	listener := messaging.NewPaymentRequestKafkaListener(payments, log)
	paymentRequestConsumer, err := kafka.NewConsumer(cfg.Kafka, cfg.Consumers.PaymentRequest.WithTopics(cfg.Topics.PaymentRequest),
		listener.Handle, producer, log,
		kafka.InTransaction(tx.Transact), kafka.InLockOrder(listener.LockKey), kafka.WithConsumerMetrics(kafkaMetrics))
	if err != nil {
		return nil, err
	}
	servers := httpserver.NewServers(cfg.HTTP, cfg.Admin, log,
		httpserver.Check{Name: "postgres", Probe: postgres.Ping(db)},
		httpserver.Check{Name: "kafka", Probe: kafka.Ping(cfg.Kafka)})
	spans.InstrumentHTTP(servers.API.Echo())
	rest.NewCustomerCreditHandler(creditQuery).Register(servers.API.Echo())
	servers.ServeMetrics(reg)

	a.components = []lifecycle.Component{
		{Name: "http", Run: servers.Run},
		{Name: "payment_request_consumer", Run: paymentRequestConsumer.Run},
		{Name: "order_outbox_relay", Run: orderOutboxRelay.Run},
		{Name: "order_outbox_cleaner", Run: orderOutboxCleaner.Run},
	}
	return a, nil
}

// Run runs every component until ctx is cancelled, SIGINT or SIGTERM
// arrives or one of them fails, then closes what New opened. It returns the
// first failure.
func (a *App) Run(ctx context.Context) error {
	defer a.close()
	a.log.Info(Service+" starting", zap.String("http", a.cfg.HTTP.Address), zap.String("admin", a.cfg.Admin.Address),
		zap.String("requests", a.cfg.Topics.PaymentRequest), zap.String("responses", a.cfg.Topics.PaymentResponse))
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
