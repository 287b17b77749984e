package chaos

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/retry"
	"github.com/food-ordering-system/infrastructure/tools/dlq"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// inputTopics are the topics each service consumes, by their usual names.
var inputTopics = map[string][]string{
	"order-service":      {"payment-response", "restaurant-approval-response"},
	"payment-service":    {"payment-request"},
	"restaurant-service": {"restaurant-approval-request"},
}

// Short saga deadlines, for the scenarios whose fault must outlast them: a
// request unanswered 2 s after it was published is sent again, twice, and
// 2 s after the last send the saga compensates. Two resends rather than one
// leave the consumer groups a few seconds to rejoin a restarted broker
// before a request published just before the outage runs out of time.
const (
	shortReplyTimeout   = 2 * time.Second
	shortMaxResends     = 2
	shortCheckInterval  = time.Second
	shortDeadlineMargin = 2 * shortCheckInterval
)

// shortDeadlines is order-service's environment for them.
var shortDeadlines = map[string]string{
	"ORDER_SERVICE_SAGA_REPLY_TIMEOUT":  shortReplyTimeout.String(),
	"ORDER_SERVICE_SAGA_MAX_RESENDS":    strconv.Itoa(shortMaxResends),
	"ORDER_SERVICE_SAGA_CHECK_INTERVAL": shortCheckInterval.String(),
}

// shortDeadline is how long after its publication an unanswered request
// gives up under shortDeadlines, at the latest.
const shortDeadline = shortReplyTimeout*(shortMaxResends+1) + shortDeadlineMargin

// Scenarios are every fault make chaos knows, in the order it runs them.
// The two with short deadlines come last and together, so that
// order-service is restarted with them once.
func Scenarios() []Scenario {
	return []Scenario{
		{Name: "kill -9 each service in turn", Strike: killEach},
		{Name: "two instances of every service, one of each killed", Strike: twoInstances},
		{Name: "Kafka broker stopped and restarted", Strike: restartInfra("kafka.sh", func(c Config) time.Duration { return c.Down })},
		{Name: "PostgreSQL stopped and restarted", Strike: restartInfra("postgres.sh", func(c Config) time.Duration { return c.Down })},
		{Name: "every input topic replayed from offset 0", Strike: replayAll},
		{Name: "poison on every input topic", Strike: poisonAll, Check: poisonParked},
		{Name: "an unpublishable row in every outbox", Strike: unpublishableRows, Check: rowsParked},
		{Name: "broker outage longer than the saga deadlines", Strike: longOutage, Env: shortDeadlines, ThroughFault: true},
		{Name: "a deadline fires while the answer is in flight", Strike: stallEach, Env: shortDeadlines, ThroughFault: true,
			Excuses: []string{paymentTimedOut, approvalTimedOut}},
		clusterScenario(),
	}
}

// Failure messages of order-service's sagas that ran out of time
// (order-service's application.PaymentTimedOutMessage and
// ApprovalTimedOutMessage).
const (
	paymentTimedOut  = "Payment was not answered in time"
	approvalTimedOut = "Restaurant approval was not answered in time"
)

// longOutage stops the broker for Outage, far longer than the short saga
// deadlines, while orders keep coming: no request can leave, so none may be
// overdue, and every order must end on its path once the broker is back.
func longOutage(ctx context.Context, r *Run) error {
	if r.Cfg.Outage <= 2*shortDeadline {
		return fmt.Errorf("an outage of %s does not outlast the saga deadlines (%s) by far; use -outage above %s",
			r.Cfg.Outage, shortDeadline, 2*shortDeadline)
	}
	return restartInfra("kafka.sh", func(c Config) time.Duration { return c.Outage })(ctx, r)
}

// stallEach stops payment-service, then restaurant-service, each with
// SIGSTOP for Stall, longer than the short deadlines, and lets it go on with
// SIGCONT: the requests it has not answered time out while their answers may
// be half made, and come late. A cancellation for the timeout is legitimate;
// the order must still agree with the payment's ledger and the restaurant.
func stallEach(ctx context.Context, r *Run) error {
	if r.Cfg.Stall <= shortDeadline {
		return fmt.Errorf("a stall of %s does not outlast the saga deadlines (%s); use -stall above it", r.Cfg.Stall, shortDeadline)
	}
	for _, service := range []string{"payment-service", "restaurant-service"} {
		if err := r.stall(ctx, service, r.Cfg.Stall); err != nil {
			return err
		}
	}
	return nil
}

// stall stops service with SIGSTOP for d and continues it with SIGCONT, also
// when ctx ends first.
func (r *Run) stall(ctx context.Context, service string, d time.Duration) error {
	pid, err := r.Sys.PID(service)
	if err != nil {
		return err
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		return fmt.Errorf("SIGSTOP %s: %w", service, err)
	}
	retry.Sleep(ctx, d, nil)
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		return fmt.Errorf("SIGCONT %s: %w", service, err)
	}
	return nil
}

// killEach SIGKILLs each service and restarts it after Down.
func killEach(ctx context.Context, r *Run) error {
	for _, service := range e2e.Services {
		if err := r.Sys.Kill(service); err != nil {
			return err
		}
		retry.Sleep(ctx, r.Cfg.Down, nil)
		if err := r.Sys.Restart(ctx, service); err != nil {
			return err
		}
	}
	return nil
}

// twoInstances starts a second instance of every service (the same consumer
// groups and outbox relays, so partitions and rows are shared between the
// two), lets both work for a while, then SIGKILLs the second instances
// midway: nothing may be handled twice to any effect, and what the killed
// ones held must move to the survivors.
func twoInstances(ctx context.Context, r *Run) error {
	var replicas []string
	for _, service := range e2e.Services {
		name, err := r.Sys.StartReplica(ctx, service)
		if err != nil {
			return err
		}
		replicas = append(replicas, name)
	}
	retry.Sleep(ctx, 2*r.Cfg.Down, nil)
	for _, name := range replicas {
		if err := r.Sys.Kill(name); err != nil {
			return err
		}
	}
	return nil
}

// restartInfra stops the broker or PostgreSQL with its local script, checks
// that the services report it (readyz 503), starts it after down and checks
// that they come back (readyz 200) without anyone touching them.
func restartInfra(script string, down func(Config) time.Duration) func(ctx context.Context, r *Run) error {
	return func(ctx context.Context, r *Run) error {
		if err := r.script(ctx, script, "stop"); err != nil {
			return err
		}
		notReady := r.awaitReadiness(ctx, false, 30*time.Second)
		retry.Sleep(ctx, down(r.Cfg), nil)
		if err := r.script(ctx, script, "start"); err != nil {
			return err
		}
		if err := r.awaitReadiness(ctx, true, 90*time.Second); err != nil {
			return fmt.Errorf("after %s start: %w", script, err)
		}
		if notReady != nil {
			return fmt.Errorf("while %s was down: %w", script, notReady)
		}
		return nil
	}
}

// awaitReadiness waits until every service's admin /readyz answers 200 (ready)
// or until every one answers something else (not ready).
func (r *Run) awaitReadiness(ctx context.Context, ready bool, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		all := true
		for _, base := range []string{r.Sys.Client.OrderAdminURL, r.Sys.Client.PaymentAdminURL, r.Sys.Client.RestaurantAdminURL} {
			if readyz(ctx, base) != ready {
				all = false
			}
		}
		if all {
			return nil
		}
		retry.Sleep(ctx, 200*time.Millisecond, nil)
	}
	return fmt.Errorf("/readyz did not become ready=%v within %s", ready, timeout)
}

// replayAll makes every consumer start again from the beginning of its
// topics: each service is stopped, its groups' committed offsets are deleted
// once the groups are empty, and it is started again. Idempotent handlers
// must change nothing.
func replayAll(ctx context.Context, r *Run) error {
	admin, err := kafka.NewClusterAdmin(r.Sys.KafkaConfig())
	if err != nil {
		return err
	}
	defer admin.Close()
	groups := r.Sys.ConsumerGroups()
	for _, service := range e2e.Services {
		if err := r.Sys.Kill(service); err != nil {
			return err
		}
		for _, usual := range inputTopics[service] {
			if err := resetGroup(ctx, admin, groups[usual], r.Sys.Topics[usual]); err != nil {
				return fmt.Errorf("replay %s: %w", usual, err)
			}
		}
		if err := r.Sys.Restart(ctx, service); err != nil {
			return err
		}
	}
	return nil
}

// resetGroup deletes the group's committed offsets of topic, waiting first
// for the group to be empty (its killed member's session must time out).
func resetGroup(ctx context.Context, admin sarama.ClusterAdmin, group, topic string) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		desc, err := admin.DescribeConsumerGroups([]string{group})
		if err == nil && len(desc) == 1 && (desc[0].State == "Empty" || desc[0].State == "Dead") {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("group %s did not empty within 60s", group)
		}
		retry.Sleep(ctx, 500*time.Millisecond, nil)
	}
	meta, err := admin.DescribeTopics([]string{topic})
	if err != nil {
		return fmt.Errorf("describe %s: %w", topic, err)
	}
	if len(meta) != 1 {
		return fmt.Errorf("describe %s: %d topics described", topic, len(meta))
	}
	for _, p := range meta[0].Partitions {
		if err := admin.DeleteConsumerGroupOffset(group, topic, p.ID); err != nil &&
			!errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
			return fmt.Errorf("delete offset of %s on %s/%d: %w", group, topic, p.ID, err)
		}
	}
	return nil
}

// poisonKeyPrefix marks the records the poison scenario sends.
const poisonKeyPrefix = "chaos-poison-"

// poisonAll sends records no service can read to every input topic.
func poisonAll(ctx context.Context, r *Run) error {
	producer, err := kafka.NewProducer(r.Sys.KafkaConfig(), zap.NewNop())
	if err != nil {
		return err
	}
	defer producer.Close()
	for usual := range r.Sys.Topics {
		for _, value := range []string{`{"sagaId": `, `{"id": 7, "sagaId": true}`, `[1, 2, 3]`} {
			key := poisonKeyPrefix + uuid.NewString()
			r.plant(key)
			msg := kafka.Message{Topic: r.Sys.Topics[usual], Key: []byte(key), Value: []byte(value)}
			// A loaded broker can answer that a topic created moments ago does
			// not exist yet; that is not the fault under test.
			deadline := time.Now().Add(30 * time.Second)
			for {
				err := producer.Send(ctx, []kafka.Message{msg})[0]
				if err == nil {
					break
				}
				if time.Now().After(deadline) || !retry.Sleep(ctx, time.Second, nil) {
					return err
				}
			}
		}
	}
	return nil
}

// poisonParked checks that each poison record is on its dead-letter topic
// with a reason.
func poisonParked(ctx context.Context, r *Run) error {
	var topics []string
	for _, t := range r.Sys.Topics {
		topics = append(topics, t+kafka.DeadLetterSuffix)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		letters, err := dlq.List(ctx, r.Sys.KafkaConfig(), topics)
		parked := 0
		for _, d := range letters {
			if len(d.Key) > len(poisonKeyPrefix) && d.Key[:len(poisonKeyPrefix)] == poisonKeyPrefix && d.Reason() != "" {
				parked++
			}
		}
		if err == nil && parked >= 3*len(r.Sys.Topics) {
			return nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("%d of %d poison records parked with a reason: %w", parked, 3*len(r.Sys.Topics), err)
			}
			return fmt.Errorf("%d of %d poison records parked with a reason", parked, 3*len(r.Sys.Topics))
		}
		retry.Sleep(ctx, 500*time.Millisecond, nil)
	}
}

// unpublishableRows puts a row the relay can never publish into every outbox.
func unpublishableRows(ctx context.Context, r *Run) error {
	ids, err := r.Sys.InsertUnpublishableRows(ctx)
	r.inserted = ids
	return err
}

// rowsParked checks that each unpublishable row ended FAILED with its error,
// then removes it.
func rowsParked(ctx context.Context, r *Run) error {
	var errs []error
	for table, id := range r.inserted {
		var row struct {
			OutboxStatus string
			LastError    *string
		}
		deadline := time.Now().Add(60 * time.Second)
		for {
			err := r.Sys.DB.WithContext(ctx).Raw(`SELECT outbox_status, last_error FROM `+table+` WHERE id = ?`, id).Scan(&row).Error
			if err == nil && row.OutboxStatus == "FAILED" && row.LastError != nil {
				break
			}
			if time.Now().After(deadline) {
				errs = append(errs, fmt.Errorf("%s: the unpublishable row is %s", table, row.OutboxStatus))
				break
			}
			retry.Sleep(ctx, 250*time.Millisecond, nil)
		}
		_ = r.Sys.DB.WithContext(ctx).Exec(`DELETE FROM `+table+` WHERE id = ?`, id).Error
	}
	return errors.Join(errs...)
}

// readyz reports whether the admin listener at base answers /readyz with 200.
func readyz(ctx context.Context, base string) bool {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
