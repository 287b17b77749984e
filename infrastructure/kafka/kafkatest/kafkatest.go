// Package kafkatest gives integration tests the real local broker and topics
// of their own, so tests run in parallel without reading each other's records.
package kafkatest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/food-ordering-system/infrastructure/kafka"
)

// Config returns the broker settings for tests: 127.0.0.1:9092 unless
// FOS_TEST_KAFKA_BROKERS (comma separated) says otherwise. It skips the test
// under -short.
func Config(tb testing.TB) kafka.Config {
	tb.Helper()
	if testing.Short() {
		tb.Skip("integration test: needs Kafka (run without -short, e.g. make test)")
	}
	brokers := "127.0.0.1:9092"
	if v := os.Getenv("FOS_TEST_KAFKA_BROKERS"); v != "" {
		brokers = v
	}
	return kafka.Config{Brokers: strings.Split(brokers, ","), ClientID: "fos-test", Version: kafka.DefaultVersion}
}

// Topic creates a topic named after base with a unique suffix, and its
// dead-letter topic, and returns its name. Both are deleted when the test
// ends (after the test's own cleanups, which stop its consumers), so that
// test runs do not pile topics up on the broker.
func Topic(tb testing.TB, base string) string {
	tb.Helper()
	cfg := Config(tb)
	name := base + "-" + strings.ReplaceAll(uuid.NewString(), "-", "")[:12]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := kafka.EnsureTopics(ctx, cfg, []kafka.TopicSpec{{Name: name, Partitions: 3, ReplicationFactor: 1}}); err != nil {
		tb.Fatalf("kafkatest: %v (is Kafka running? infrastructure/local/kafka.sh start)", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := kafka.DeleteTopics(ctx, cfg, name); err != nil {
			tb.Logf("kafkatest: %v", err)
		}
	})
	return name
}
