package chaos

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/retry"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// ClusterBrokers are the brokers of the three-broker cluster that
// `kafka.sh cluster start` runs beside the single development broker.
var ClusterBrokers = []string{"127.0.0.1:19092", "127.0.0.1:19093", "127.0.0.1:19094"}

// clusterReplication is the replication factor of every topic on the
// cluster. Its brokers refuse a write that fewer than two in-sync replicas
// hold (min.insync.replicas=2), so with one broker of three left every
// produce is answered NOT_ENOUGH_REPLICAS.
const clusterReplication = 3

// clusterMinStream is the shortest stream of orders the cluster scenarios
// run with, so that orders keep coming through both kills (each costs the
// controller's broker session timeout, 15 s in kafka.sh, before the leaders
// move).
const clusterMinStream = 50 * time.Second

// clusterWait bounds each wait for the cluster's metadata to show what a
// kill must lead to; on a busy two-core machine it takes far longer than on
// an idle one.
const clusterWait = 90 * time.Second

// clusterHold is the shortest time one broker of three is left alone.
const clusterHold = 10 * time.Second

// clusterScenarioName is the name of the scenario that needs the cluster.
const clusterScenarioName = "three-broker cluster: busiest leader, then a second broker SIGKILLed"

// clusterScenario SIGKILLs the broker leading the most partitions of the
// saga's topics, then, once its partitions have new leaders, the broker now
// leading the most, so that one broker of three is left and holds every
// in-sync replica alone; then it starts both again. The relays' produces
// meet dead leaders, then NOT_ENOUGH_REPLICAS: all of it is retriable, so no
// outbox row may be parked and no record dead-lettered.
func clusterScenario() Scenario {
	return Scenario{Name: clusterScenarioName, Strike: killTwoBrokers, Check: nothingParked}
}

// OnCluster reports whether sc runs on the three-broker cluster (see
// RunOnCluster) rather than on the single broker the other scenarios use.
func (sc Scenario) OnCluster() bool { return sc.Name == clusterScenarioName }

// RunOnCluster runs scenarios on the three-broker cluster: it starts the
// cluster with kafka.sh unless it already runs, starts the services of
// sysCfg on it with every topic replicated three times, and runs each
// scenario with a stream of at least clusterMinStream. After each it logs
// the outbox rows the fault charged an attempt, parked or not. It stops the
// services, and then the cluster if it started it.
func RunOnCluster(ctx context.Context, sysCfg e2e.SystemConfig, cfg Config, scenarios []Scenario) (_ []Result, err error) {
	cfg.setDefaults()
	if cfg.Duration < clusterMinStream {
		cfg.Logf("chaos: the cluster scenarios stream orders for %s rather than %s, to cover both kills", clusterMinStream, cfg.Duration)
		cfg.Duration = clusterMinStream
	}
	local := &Run{Cfg: cfg}
	if local.script(ctx, "kafka.sh", "cluster", "status") != nil {
		cfg.Logf("chaos: starting the three-broker cluster (kafka.sh cluster start)")
		start := time.Now()
		if err := local.script(ctx, "kafka.sh", "cluster", "start"); err != nil {
			return nil, err
		}
		cfg.Logf("chaos: the cluster answered in %s", time.Since(start).Round(time.Second))
		defer func() {
			stopCtx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			if stopErr := local.script(stopCtx, "kafka.sh", "cluster", "stop"); stopErr != nil {
				err = errors.Join(err, stopErr)
			}
		}()
	}

	sysCfg.Kafka.Brokers = ClusterBrokers
	sysCfg.ReplicationFactor = clusterReplication
	startCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	sys, err := e2e.StartSystem(startCtx, sysCfg)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("start the services on the cluster: %w", err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if stopErr := sys.Stop(stopCtx); stopErr != nil {
			err = errors.Join(err, fmt.Errorf("stop the services on the cluster: %w", stopErr))
		}
		cfg.Logf("chaos: the cluster services' logs: %s", sys.LogDir())
	}()

	results := make([]Result, 0, len(scenarios))
	for _, sc := range scenarios {
		results = append(results, RunAll(ctx, sys, cfg, []Scenario{sc})...)
		charged, err := chargedRows(ctx, sys)
		if err != nil {
			cfg.Logf("chaos: %s: the outbox rows charged an attempt: %v", sc.Name, err)
			continue
		}
		cfg.Logf("chaos: %s: %d outbox rows were charged an attempt, %d of them parked FAILED%s",
			sc.Name, len(charged), countFailed(charged), describeRows(charged))
		cfg.Logf("chaos: %s: the services' logs name NOT_ENOUGH_REPLICAS %d times", sc.Name, notEnoughReplicas(sys))
	}
	return results, nil
}

// killTwoBrokers is the cluster scenario's fault.
func killTwoBrokers(ctx context.Context, r *Run) (err error) {
	// A cluster that is not whole to begin with would prove nothing.
	if _, _, err := r.awaitPartitions(ctx, func(p *sarama.PartitionMetadata) bool { return len(p.Isr) == len(ClusterBrokers) }); err != nil {
		return fmt.Errorf("before the kills, not every partition had %d in-sync replicas: %w", len(ClusterBrokers), err)
	}
	if err := r.checkMinInsync(); err != nil {
		return err
	}
	var killed []int32
	defer func() { err = errors.Join(err, r.startBrokers(killed)) }()

	first, led, err := r.busiestLeader(ctx, nil)
	if err != nil {
		return err
	}
	if err := r.killBroker(ctx, first); err != nil {
		return err
	}
	killed = append(killed, first)
	_, took, err := r.awaitPartitions(ctx, func(p *sarama.PartitionMetadata) bool { return p.Leader != first })
	if err != nil {
		return fmt.Errorf("after broker %d was killed: %w", first, err)
	}
	r.Cfg.Logf("chaos: broker %d led %d of the saga's partitions; they had new leaders %s after its SIGKILL",
		first, led, took.Round(100*time.Millisecond))

	retry.Sleep(ctx, r.Cfg.Down, nil)
	second, led, err := r.busiestLeader(ctx, killed)
	if err != nil {
		return err
	}
	if err := r.killBroker(ctx, second); err != nil {
		return err
	}
	killed = append(killed, second)
	var survivor int32
	for id := int32(1); id <= int32(len(ClusterBrokers)); id++ {
		if !slices.Contains(killed, id) {
			survivor = id
		}
	}
	_, took, err = r.awaitPartitions(ctx, func(p *sarama.PartitionMetadata) bool {
		return p.Leader == survivor && slices.Equal(p.Isr, []int32{survivor})
	})
	if err != nil {
		return fmt.Errorf("after broker %d was killed too: %w", second, err)
	}
	r.Cfg.Logf("chaos: broker %d led %d partitions; %s after its SIGKILL broker %d led every partition as its only "+
		"in-sync replica, below min.insync.replicas=2", second, led, took.Round(100*time.Millisecond), survivor)
	// Writes are refused (NOT_ENOUGH_REPLICAS) for at least as long as the
	// relays' longest backoff (10 s), so that each of them meets it.
	retry.Sleep(ctx, max(r.Cfg.Down, clusterHold), nil)
	return nil
}

// checkMinInsync makes sure that the saga's topics refuse a write fewer than
// two replicas hold: a cluster that takes it would let the scenario pass
// without ever refusing a write.
func (r *Run) checkMinInsync() error {
	admin, err := kafka.NewClusterAdmin(r.Sys.KafkaConfig())
	if err != nil {
		return err
	}
	defer admin.Close()
	topic := r.Sys.Topics["payment-request"]
	results, err := admin.DescribeConfigs([]*sarama.ConfigResource{{Type: sarama.TopicResource, Name: topic,
		ConfigNames: []string{"min.insync.replicas"}}}, sarama.DescribeConfigsOptions{})
	if err != nil {
		return fmt.Errorf("describe the configuration of %s: %w", topic, err)
	}
	var entries []sarama.ConfigEntry
	for _, res := range results {
		if res.ErrorCode != sarama.ErrNoError {
			return fmt.Errorf("describe the configuration of %s: %w (%s)", topic, res.ErrorCode, res.ErrorMsg)
		}
		entries = append(entries, res.Configs...)
	}
	for _, e := range entries {
		if e.Name == "min.insync.replicas" && e.Value == "2" {
			return nil
		}
		if e.Name == "min.insync.replicas" {
			return fmt.Errorf("%s has min.insync.replicas %s (from %s), not 2: reset the cluster (kafka.sh cluster reset)",
				topic, e.Value, e.Source)
		}
	}
	return fmt.Errorf("%s has no min.insync.replicas", topic)
}

// busiestLeader returns the broker, of those not in excluded, that leads the
// most partitions of the saga's topics, and how many it leads.
func (r *Run) busiestLeader(ctx context.Context, excluded []int32) (int32, int, error) {
	partitions, _, err := r.awaitPartitions(ctx, func(*sarama.PartitionMetadata) bool { return true })
	if err != nil {
		return 0, 0, err
	}
	led := map[int32]int{}
	for _, p := range partitions {
		if !slices.Contains(excluded, p.Leader) && p.Leader >= 0 {
			led[p.Leader]++
		}
	}
	var busiest int32 = -1
	for id, n := range led {
		if busiest < 0 || n > led[busiest] || (n == led[busiest] && id < busiest) {
			busiest = id
		}
	}
	if busiest < 0 {
		return 0, 0, fmt.Errorf("no live broker leads a partition of the saga's topics (excluded %v)", excluded)
	}
	return busiest, led[busiest], nil
}

// awaitPartitions waits, within clusterWait, until the cluster answers and
// every partition of the saga's topics satisfies ok, and returns the
// partitions and how long that took.
func (r *Run) awaitPartitions(ctx context.Context, ok func(*sarama.PartitionMetadata) bool) ([]*sarama.PartitionMetadata, time.Duration, error) {
	start := time.Now()
	for {
		partitions, err := r.sagaPartitions(ctx)
		if err == nil && !slices.ContainsFunc(partitions, func(p *sarama.PartitionMetadata) bool { return !ok(p) }) {
			return partitions, time.Since(start), nil
		}
		if time.Since(start) > clusterWait {
			if err == nil {
				err = errors.New(describePartitions(partitions))
			}
			return nil, 0, fmt.Errorf("the cluster did not get there within %s: %w", clusterWait, err)
		}
		if !retry.Sleep(ctx, 250*time.Millisecond, nil) {
			return nil, 0, ctx.Err()
		}
	}
}

// sagaPartitions asks the cluster for the partitions of the system's four
// saga topics, with a client of its own each time, so that no connection
// to a killed broker is reused.
func (r *Run) sagaPartitions(ctx context.Context) ([]*sarama.PartitionMetadata, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	admin, err := kafka.NewClusterAdmin(r.Sys.KafkaConfig())
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	topics := make([]string, 0, len(r.Sys.Topics))
	for _, t := range r.Sys.Topics {
		topics = append(topics, t)
	}
	meta, err := admin.DescribeTopics(topics)
	if err != nil {
		return nil, fmt.Errorf("describe the saga's topics: %w", err)
	}
	var partitions []*sarama.PartitionMetadata
	for _, t := range meta {
		if !errors.Is(t.Err, sarama.ErrNoError) {
			return nil, fmt.Errorf("describe %s: %w", t.Name, t.Err)
		}
		partitions = append(partitions, t.Partitions...)
	}
	return partitions, nil
}

func describePartitions(partitions []*sarama.PartitionMetadata) string {
	parts := make([]string, len(partitions))
	for i, p := range partitions {
		parts[i] = fmt.Sprintf("leader %d isr %v", p.Leader, p.Isr)
	}
	return strings.Join(parts, "; ")
}

// killBroker SIGKILLs broker id of the cluster.
func (r *Run) killBroker(ctx context.Context, id int32) error {
	if err := r.script(ctx, "kafka.sh", "cluster", "kill", strconv.Itoa(int(id))); err != nil {
		return err
	}
	r.Cfg.Logf("chaos: broker %d SIGKILLed", id)
	return nil
}

// startBrokers starts the killed brokers again, all at once, and waits
// until each answers. It runs even when the scenario was cancelled, so that
// the cluster is whole for what follows.
func (r *Run) startBrokers(ids []int32) error {
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	start := time.Now()
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { errs[i] = r.script(ctx, "kafka.sh", "cluster", "start-node", strconv.Itoa(int(id))) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if len(ids) > 0 {
		r.Cfg.Logf("chaos: brokers %v started again; they answered in %s", ids, time.Since(start).Round(100*time.Millisecond))
	}
	return nil
}

// chargedRow is an outbox row the relay charged an attempt.
type chargedRow struct {
	Outbox       string
	OutboxStatus string
	Attempts     int
	LastError    *string
}

// chargedRows returns every row of the four outboxes and their archives that
// the relay charged an attempt: only a permanent error may do that.
func chargedRows(ctx context.Context, s *e2e.System) ([]chargedRow, error) {
	var selects []string
	for _, table := range []string{`"order".payment_outbox`, `"order".order_approval_outbox`, `payment.order_outbox`,
		`restaurant.order_outbox`} {
		for _, t := range []string{table, table + "_archive"} {
			selects = append(selects, fmt.Sprintf(`SELECT '%s' AS outbox, outbox_status, attempts, last_error FROM %s WHERE attempts > 0`,
				t, t))
		}
	}
	var rows []chargedRow
	err := s.DB.WithContext(ctx).Raw(strings.Join(selects, " UNION ALL ")).Scan(&rows).Error
	return rows, err
}

func countFailed(rows []chargedRow) int {
	n := 0
	for _, row := range rows {
		if row.OutboxStatus == "FAILED" {
			n++
		}
	}
	return n
}

// describeRows lists each distinct outbox, status and last error of rows
// with how often it occurs.
func describeRows(rows []chargedRow) string {
	counts := map[string]int{}
	for _, row := range rows {
		reason := "(none)"
		if row.LastError != nil {
			reason = *row.LastError
		}
		counts[fmt.Sprintf("%s %s: %s", row.Outbox, row.OutboxStatus, reason)]++
	}
	keys := slices.Sorted(maps.Keys(counts))
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %d× %s", counts[k], k)
	}
	return b.String()
}

// nothingParked checks that the brokers' failures parked nothing: no outbox
// row FAILED and no record on a dead-letter topic.
func nothingParked(ctx context.Context, r *Run) error {
	var errs []error
	charged, err := chargedRows(ctx, r.Sys)
	if err != nil {
		return err
	}
	if n := countFailed(charged); n > 0 {
		errs = append(errs, fmt.Errorf("%d outbox rows parked FAILED", n))
	}
	backlog, err := r.Sys.Backlog(ctx)
	if err != nil {
		return err
	}
	if n := backlog.DeadLettered(); n > 0 {
		errs = append(errs, fmt.Errorf("%d records dead-lettered", n))
	}
	return errors.Join(errs...)
}

// notEnoughReplicas counts the lines of the services' logs that carry
// sarama's text for NOT_ENOUGH_REPLICAS: the evidence that the services met
// the refusal, not only that the cluster's metadata implied it.
func notEnoughReplicas(s *e2e.System) int {
	text := sarama.ErrNotEnoughReplicas.Error()
	n := 0
	for _, service := range e2e.Services {
		data, err := os.ReadFile(s.LogFile(service))
		if err != nil {
			continue
		}
		n += strings.Count(string(data), text)
	}
	return n
}
