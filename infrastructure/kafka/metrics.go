package kafka

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	gometrics "github.com/rcrowley/go-metrics"
)

// sarama also records metrics of its own, in rcrowley/go-metrics, whether
// anyone reads them or not: meters per broker and topic that a global
// goroutine ticks every five seconds and that are never released. The
// system exports its own series with client_golang instead (Metrics), so
// sarama's are switched off entirely, with go-metrics' own global switch,
// before any client of this package exists. A registry in sarama's config
// alone would not do: the meters would still be created and ticked.
func init() { gometrics.UseNilMetrics = true }

// Outcomes of a consumed record, the outcome label of
// fos_kafka_consumed_total.
const (
	OutcomeHandled      = "handled"
	OutcomeDeadLettered = "dead_lettered"
)

// Metrics holds the Kafka series of one process, which its producer and
// consumers share:
//
//   - fos_kafka_consumed_total{topic, outcome}: records a consumer is done
//     with, handled or dead-lettered;
//   - fos_kafka_handler_retries_total{topic}: handler calls that failed and
//     are tried again;
//   - fos_kafka_published_total{topic} and fos_kafka_publish_errors_total{topic}:
//     records the producer sent, and those it could not (or whose outcome is
//     unknown);
//   - fos_kafka_consumer_lag{topic, partition}: records on a partition not
//     yet handled by this process, the partition's high water mark minus the
//     next offset to handle, updated as records are handled and dropped when
//     the partition goes to another member of the group.
//
// A nil *Metrics records nothing, for clients that are not measured.
type Metrics struct {
	consumed      *prometheus.CounterVec
	retries       *prometheus.CounterVec
	published     *prometheus.CounterVec
	publishErrors *prometheus.CounterVec
	lag           *prometheus.GaugeVec
}

// NewMetrics registers the Kafka series in reg. Registering them twice in one
// registry panics, as promauto does.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	f := promauto.With(reg)
	return &Metrics{
		consumed: f.NewCounterVec(prometheus.CounterOpts{Name: "fos_kafka_consumed_total",
			Help: "Records consumed, by topic and outcome (handled, dead_lettered)."}, []string{"topic", "outcome"}),
		retries: f.NewCounterVec(prometheus.CounterOpts{Name: "fos_kafka_handler_retries_total",
			Help: "Handler calls that failed and were retried, by topic."}, []string{"topic"}),
		published: f.NewCounterVec(prometheus.CounterOpts{Name: "fos_kafka_published_total",
			Help: "Records the broker acknowledged, by topic."}, []string{"topic"}),
		publishErrors: f.NewCounterVec(prometheus.CounterOpts{Name: "fos_kafka_publish_errors_total",
			Help: "Records not acknowledged by the broker (failed, or abandoned with an unknown outcome), by topic."}, []string{"topic"}),
		lag: f.NewGaugeVec(prometheus.GaugeOpts{Name: "fos_kafka_consumer_lag",
			Help: "Records of a partition not yet handled: high water mark minus the next offset to handle."}, []string{"topic", "partition"}),
	}
}

// WithConsumerMetrics makes the consumer record its records' outcomes, its
// retries and its lag in m.
func WithConsumerMetrics(m *Metrics) ConsumerOption {
	return func(c *Consumer) { c.metrics = m }
}

// WithProducerMetrics makes the producer count what it sends in m.
func WithProducerMetrics(m *Metrics) ProducerOption {
	return func(p *Producer) { p.metrics = m }
}

func (m *Metrics) handled(topic string, records int) {
	if m != nil {
		m.consumed.WithLabelValues(topic, OutcomeHandled).Add(float64(records))
	}
}

func (m *Metrics) deadLettered(topic string) {
	if m != nil {
		m.consumed.WithLabelValues(topic, OutcomeDeadLettered).Inc()
	}
}

func (m *Metrics) retried(topic string) {
	if m != nil {
		m.retries.WithLabelValues(topic).Inc()
	}
}

// sent counts the results of one Send.
func (m *Metrics) sent(msgs []Message, results []error) {
	if m == nil {
		return
	}
	for i, msg := range msgs {
		if results[i] == nil {
			m.published.WithLabelValues(msg.Topic).Inc()
		} else {
			m.publishErrors.WithLabelValues(msg.Topic).Inc()
		}
	}
}

// handledUpTo sets the lag of a partition whose record at offset was just
// handled, given the partition's high water mark (the offset the next record
// produced will get).
func (m *Metrics) handledUpTo(topic string, partition int32, offset, highWaterMark int64) {
	if m != nil {
		m.lag.WithLabelValues(topic, strconv.Itoa(int(partition))).Set(float64(max(0, highWaterMark-(offset+1))))
	}
}

// released drops the lag of a partition this process no longer consumes,
// so that the lag summed over a group's members counts each partition once.
func (m *Metrics) released(topic string, partition int32) {
	if m != nil {
		m.lag.DeleteLabelValues(topic, strconv.Itoa(int(partition)))
	}
}
