package outbox_test

import (
	"context"
	"fmt"
	"testing"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
)

// BenchmarkRelayDrain measures what a relay costs per outbox row, claim,
// publish to the real broker with acks from all replicas, and mark COMPLETED,
// for several batch sizes. Batch size 1 is what a relay that publishes row by
// row (like the original's scheduler) pays:
//
//	go test -run '^$' -bench RelayDrain -benchtime 2000x ./outbox/
func BenchmarkRelayDrain(b *testing.B) {
	kcfg := kafkatest.Config(b)
	producer := kafkatest.Producer(b, kcfg)
	topic := kafkatest.Topic(b, "relay-bench")
	for _, batch := range []int{1, 10, 100, 500} {
		b.Run(fmt.Sprint("batch=", batch), func(b *testing.B) {
			db, _ := newOutbox(b)
			insertRows(b, db, b.N)
			relay := outbox.NewRelay(postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}),
				kafkaPublisher(producer, topic), outbox.RelayConfig{BatchSize: batch}, zap.NewNop())
			b.ResetTimer()
			if err := relay.Drain(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			var left int64
			if err := db.Table(table).Where("outbox_status = 'STARTED'").Count(&left).Error; err != nil || left != 0 {
				b.Fatalf("%d rows left STARTED (%v)", left, err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
