// Command payment-service takes payments for orders from customers' credit
// and gives them back when an order is cancelled, answering order-service
// through its transactional outbox. It only wires the packages together.
package main

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

func main() {
	lifecycle.Main("payment-service", config.EnvPrefix, run)
}

// run starts payment-service and blocks until ctx is cancelled, a signal
// arrives or a component fails.
func run(ctx context.Context, cfg config.Config, log *zap.Logger) error {
	// Tracing first, so that the spans of everything after it are kept, and
	// shut down (flushed) last.
	spans, err := tracing.Start(ctx, cfg.Tracing, "payment-service", log)
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
	topics := []kafka.TopicSpec{
		{Name: cfg.Topics.PaymentRequest, Partitions: cfg.Topics.Partitions, ReplicationFactor: cfg.Topics.ReplicationFactor},
		{Name: cfg.Topics.PaymentResponse, Partitions: cfg.Topics.Partitions, ReplicationFactor: cfg.Topics.ReplicationFactor},
	}
	if err := kafka.EnsureTopics(ctx, cfg.Kafka, topics); err != nil {
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
	defer func() {
		if err := producer.Close(); err != nil {
			log.Warn("closing kafka producer", zap.Error(err))
		}
	}()

	// Driven adapters.
	tx := postgres.NewTransactor(db)
	credits := dataaccess.NewCreditEntryRepository(db)
	history := dataaccess.NewCreditHistoryRepository(db)
	// The relay ("scheduler") before the outbox repository, which hands it
	// the rows it writes to publish at commit.
	outboxStore := dataaccess.NewOrderOutboxStore(db, cfg.Outbox.Archive)
	publisher := messaging.NewPaymentEventKafkaPublisher(producer, cfg.Topics.PaymentResponse, log)
	relay := application.NewOrderOutboxScheduler(outboxMetrics.Instrument(outboxStore), publisher, cfg.Outbox.Relay, log)
	cleaner := application.NewOrderOutboxCleanerScheduler(outboxStore, cfg.Outbox.Cleaner, log)

	// Application.
	helper := application.NewPaymentRequestHelper(domain.NewPaymentDomainService(time.Now),
		dataaccess.NewPaymentRepository(db), credits, history,
		application.NewOrderOutboxHelper(dataaccess.NewOrderOutboxRepository(db, relay)), tx, log)
	requests := application.NewPaymentRequestHandler(helper, log)
	creditQuery := application.NewCustomerCreditQueryHandler(credits, history, tx)

	// Driving adapters.
	listener := messaging.NewPaymentRequestKafkaListener(requests, log)
	consumer, err := kafka.NewConsumer(cfg.Kafka, cfg.Consumer.WithTopics(cfg.Topics.PaymentRequest), listener.Handle, producer, log,
		kafka.InTransaction(tx.Transact), kafka.InLockOrder(listener.LockKey), kafka.WithConsumerMetrics(kafkaMetrics))
	if err != nil {
		return err
	}
	servers := httpserver.NewServers(cfg.HTTP, cfg.Admin, log,
		httpserver.Check{Name: "postgres", Probe: postgres.Ping(db)},
		httpserver.Check{Name: "kafka", Probe: kafka.Ping(cfg.Kafka)})
	spans.InstrumentHTTP(servers.API.Echo())
	rest.NewCustomerCreditHandler(creditQuery).Register(servers.API.Echo())
	servers.ServeMetrics(reg)

	log.Info("payment-service starting", zap.String("http", cfg.HTTP.Address), zap.String("admin", cfg.Admin.Address),
		zap.String("requests", cfg.Topics.PaymentRequest), zap.String("responses", cfg.Topics.PaymentResponse))
	return lifecycle.Run(ctx, log,
		lifecycle.Component{Name: "http", Run: servers.Run},
		lifecycle.Component{Name: "payment-request-consumer", Run: consumer.Run},
		lifecycle.Component{Name: "order-outbox-relay", Run: relay.Run},
		lifecycle.Component{Name: "order-outbox-cleaner", Run: cleaner.Run},
	)
}
