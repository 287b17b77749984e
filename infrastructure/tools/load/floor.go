package load

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// floorSamples is how many round trips and commits the floor is the median
// of.
const floorSamples = 200

// measureFloor times, on this machine and in this run, a Kafka
// produce-to-consume round trip with the services' producer settings (acks
// from all in-sync replicas, idempotent) and a PostgreSQL commit of one row.
func measureFloor(ctx context.Context, s *e2e.System) (Floor, error) {
	rtt, err := kafkaRoundTrip(ctx, s)
	if err != nil {
		return Floor{}, err
	}
	commit, err := postgresCommit(ctx, s)
	if err != nil {
		return Floor{}, err
	}
	f := Floor{KafkaRoundTripMs: ms(rtt), CommitMs: ms(commit)}
	f.SagaMs = 4*f.KafkaRoundTripMs + 5*f.CommitMs
	return f, nil
}

func kafkaRoundTrip(ctx context.Context, s *e2e.System) (time.Duration, error) {
	cfg := s.KafkaConfig()
	topic := "load-floor-" + strings.ReplaceAll(uuid.NewString(), "-", "")[:12]
	if err := kafka.EnsureTopics(ctx, cfg, []kafka.TopicSpec{{Name: topic, Partitions: 1, ReplicationFactor: 1}}); err != nil {
		return 0, err
	}
	defer func() { _ = kafka.DeleteTopics(context.WithoutCancel(ctx), cfg, topic) }()
	producer, err := kafka.NewProducer(cfg, zap.NewNop())
	if err != nil {
		return 0, err
	}
	defer producer.Close()
	sc := sarama.NewConfig()
	sc.Consumer.MaxWaitTime = 100 * time.Millisecond // the services' long poll
	consumer, err := sarama.NewConsumer(cfg.Brokers, sc)
	if err != nil {
		return 0, err
	}
	defer consumer.Close()
	pc, err := consumer.ConsumePartition(topic, 0, sarama.OffsetNewest)
	if err != nil {
		return 0, err
	}
	defer pc.Close()
	samples := make([]time.Duration, 0, floorSamples)
	for i := range floorSamples {
		start := time.Now()
		if err := producer.Send(ctx, []kafka.Message{{Topic: topic, Key: []byte("floor"), Value: []byte(fmt.Sprint(i))}})[0]; err != nil {
			return 0, err
		}
		select {
		case <-pc.Messages():
		case err := <-pc.Errors():
			return 0, err
		case <-time.After(10 * time.Second):
			return 0, fmt.Errorf("round trip %d: no record after 10s", i)
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		samples = append(samples, time.Since(start))
	}
	return percentile(samples, 50), nil
}

func postgresCommit(ctx context.Context, s *e2e.System) (time.Duration, error) {
	db := s.DB.WithContext(ctx)
	if err := db.Exec(`CREATE TABLE IF NOT EXISTS public.load_floor (id bigserial PRIMARY KEY, at timestamptz NOT NULL)`).Error; err != nil {
		return 0, err
	}
	defer db.Exec(`DROP TABLE IF EXISTS public.load_floor`)
	samples := make([]time.Duration, 0, floorSamples)
	for range floorSamples {
		start := time.Now()
		if err := db.Exec(`INSERT INTO public.load_floor (at) VALUES (now())`).Error; err != nil {
			return 0, err
		}
		samples = append(samples, time.Since(start))
	}
	return percentile(samples, 50), nil
}
