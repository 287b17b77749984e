// Command restaurant-service answers order-service's approval requests: it
// checks each paid order against the restaurant's catalog, stores the answer
// with its outbox row, and publishes it on restaurant-approval-response.
//
// Usage: restaurant-service [-config config.yaml]
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
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/config"
	"github.com/food-ordering-system/restaurant-service/internal/dataaccess"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
	"github.com/food-ordering-system/restaurant-service/internal/messaging"
	"github.com/food-ordering-system/restaurant-service/internal/rest"
	"github.com/food-ordering-system/restaurant-service/migrations"
)

func main() {
	lifecycle.Main("restaurant-service", config.EnvPrefix, run)
}

// run connects to PostgreSQL and Kafka, brings the schema and the topics up
// to date, wires the adapters and the application, and runs the consumer,
// the outbox relay and cleaner and the HTTP server until ctx is cancelled, a
// signal arrives or one of them fails.
func run(ctx context.Context, cfg config.Config, log *zap.Logger) error {
	// Tracing first, so that the spans of everything after it are kept, and
	// shut down (flushed) last.
	spans, err := tracing.Start(ctx, cfg.Tracing, "restaurant-service", log)
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
	err = kafka.EnsureTopics(ctx, cfg.Kafka, []kafka.TopicSpec{
		{Name: cfg.Topics.RestaurantApprovalRequest, Partitions: cfg.Topics.Partitions, ReplicationFactor: cfg.Topics.ReplicationFactor},
		{Name: cfg.Topics.RestaurantApprovalResponse, Partitions: cfg.Topics.Partitions, ReplicationFactor: cfg.Topics.ReplicationFactor},
	})
	if err != nil {
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

	// Adapters that the application drives.
	restaurants := dataaccess.NewRestaurantRepository(db)
	approvals := dataaccess.NewOrderApprovalRepository(db)
	// The relay ("scheduler") before the outbox repository, which hands it
	// the rows it writes to publish at commit.
	outboxStore := dataaccess.NewOrderOutboxStore(db, cfg.Outbox.Archive)
	publisher := messaging.NewRestaurantApprovalEventsKafkaPublisher(producer, cfg.Topics.RestaurantApprovalResponse, log)
	scheduler := application.NewOrderOutboxScheduler(outboxMetrics.Instrument(outboxStore), publisher, cfg.Outbox.Relay, log)
	cleaner := application.NewOrderOutboxCleanerScheduler(outboxStore, cfg.Outbox.Cleaner, log)
	orderOutbox := dataaccess.NewOrderOutboxRepository(db, scheduler)

	// The application.
	tx := postgres.NewTransactor(db)
	helper := application.NewRestaurantApprovalRequestHelper(tx, domain.NewRestaurantDomainService(),
		restaurants, approvals, application.NewOrderOutboxHelper(orderOutbox), time.Now, log)
	tracker := application.NewOrderApprovalTrackQueryHandler(approvals)

	// Adapters that drive the application.
	listener := messaging.NewRestaurantApprovalRequestKafkaListener(application.NewRestaurantApprovalRequestHandler(helper), log)
	consumer, err := kafka.NewConsumer(cfg.Kafka, cfg.Consumer.WithTopics(cfg.Topics.RestaurantApprovalRequest), listener.Handle, producer, log,
		kafka.InTransaction(tx.Transact), kafka.WithConsumerMetrics(kafkaMetrics))
	if err != nil {
		return err
	}
	servers := httpserver.NewServers(cfg.HTTP, cfg.Admin, log,
		httpserver.Check{Name: "postgres", Probe: postgres.Ping(db)},
		httpserver.Check{Name: "kafka", Probe: kafka.Ping(cfg.Kafka)},
	)
	spans.InstrumentHTTP(servers.API.Echo())
	rest.NewOrderApprovalHandler(tracker).Register(servers.API.Echo())
	servers.ServeMetrics(reg)

	log.Info("restaurant-service starting", zap.String("http", cfg.HTTP.Address), zap.String("admin", cfg.Admin.Address),
		zap.String("requests", cfg.Topics.RestaurantApprovalRequest), zap.String("responses", cfg.Topics.RestaurantApprovalResponse))
	return lifecycle.Run(ctx, log,
		lifecycle.Component{Name: "restaurant approval request consumer", Run: consumer.Run},
		lifecycle.Component{Name: "order outbox scheduler", Run: scheduler.Run},
		lifecycle.Component{Name: "order outbox cleaner", Run: cleaner.Run},
		lifecycle.Component{Name: "http server", Run: servers.Run},
	)
}
