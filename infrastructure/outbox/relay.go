package outbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/retry"
)

// RelayConfig tunes a Relay. The zero value of each field takes its default.
type RelayConfig struct {
	// Name identifies the relay in logs, e.g. "payment_outbox".
	Name string `mapstructure:"name"`
	// BatchSize is the most rows published in one produce and, on the
	// claiming path, claimed in one transaction.
	BatchSize int `mapstructure:"batch_size"`
	// PollInterval is how often the relay claims rows that the fast path did
	// not publish: rows whose lease expired (their writer crashed, or could
	// not publish) and rows handed back for a resend (default 1s).
	PollInterval time.Duration `mapstructure:"poll_interval"`
	// Lease is how long a row written by this instance is reserved for its
	// fast path before any relay may claim it (default and minimum MinLease).
	Lease time.Duration `mapstructure:"lease"`
	// MinBackoff and MaxBackoff bound the wait after a publish failed as a
	// whole (the broker is down).
	MinBackoff time.Duration `mapstructure:"min_backoff"`
	MaxBackoff time.Duration `mapstructure:"max_backoff"`
	// MaxAttempts is how many times a row that fails on its own is tried
	// before it becomes FAILED (default 5).
	MaxAttempts int `mapstructure:"max_attempts"`
	// MaxQueued bounds the committed rows waiting for the fast path (default
	// 10000). Rows beyond it are left to their lease: a claim publishes them
	// once it has run out.
	MaxQueued int `mapstructure:"max_queued"`
	// MarkDelay is how long the fast path gathers the ids of published rows
	// before it marks them COMPLETED in one statement (default 50ms; a full
	// batch is marked at once). A row waiting for its mark is still leased,
	// so no relay claims it meanwhile; a crash before the mark sends it again
	// once the lease runs out, under the same message id.
	MarkDelay time.Duration `mapstructure:"mark_delay"`
}

// MinLease is the shortest lease a relay takes. A lease must outlast the
// publisher's worst-case send (kafka.SendTimeout, 10 s), so that no relay
// claims a row while its writer may still be sending it.
const MinLease = 15 * time.Second

func (c *RelayConfig) setDefaults() {
	if c.Name == "" {
		c.Name = "outbox"
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 100
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.Lease <= 0 {
		c.Lease = MinLease
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 100 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 10 * time.Second
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 5
	}
	if c.MaxQueued <= 0 {
		c.MaxQueued = 10000
	}
	if c.MarkDelay <= 0 {
		c.MarkDelay = 50 * time.Millisecond
	}
}

// Validate reports settings that cannot work.
func (c RelayConfig) Validate() error {
	var errs []error
	if c.MaxBackoff != 0 && c.MinBackoff > c.MaxBackoff {
		errs = append(errs, fmt.Errorf("outbox relay %s: min_backoff %s is above max_backoff %s", c.Name, c.MinBackoff, c.MaxBackoff))
	}
	if c.MaxAttempts < 0 {
		errs = append(errs, fmt.Errorf("outbox relay %s: max_attempts %d must not be negative", c.Name, c.MaxAttempts))
	}
	if c.MarkDelay >= MinLease {
		errs = append(errs, fmt.Errorf("outbox relay %s: mark_delay %s must be well below the lease (%s)", c.Name, c.MarkDelay, MinLease))
	}
	if c.Lease != 0 && c.Lease < MinLease {
		errs = append(errs, fmt.Errorf("outbox relay %s: lease %s is below %s, the publisher's worst-case send with a margin", c.Name, c.Lease, MinLease))
	}
	return errors.Join(errs...)
}

// Relay moves outbox rows to the broker ("scheduler" in the walkthrough).
//
// Publishing is done at commit: a transaction that writes a row leases it to
// this instance and, once committed, hands it to PublishCommitted; the relay
// publishes it at once and marks it COMPLETED, gathering the marks of
// MarkDelay in one statement. Rows committed while a produce is in flight go
// out together in the next one, so batches grow with the load by themselves. Every PollInterval, and after any failure, the
// relay also claims (FOR UPDATE SKIP LOCKED, in creation order) the rows no
// lease holds: those of a crashed writer, those the fast path could not
// publish, and those handed back for a resend. Several relays may run over
// one table (one per service replica): a lease keeps the others off a row
// while its writer publishes it, row locks keep two claims apart, and a
// crash between publish and mark re-sends the row rather than losing it (at
// least once).
//
// Two kinds of failure are kept apart, by the error alone. A retriable one
// (the broker is unreachable, a partition's leader is moving, too few
// replicas are in sync, a timeout) is never charged to a row, whatever
// happened to the rest of its batch: the rows that went through are marked,
// the others stay STARTED, and the relay waits with jittered exponential
// backoff. A retry.Permanent error (the row cannot be mapped or encoded, the
// broker refuses that record) charges the row an attempt; after MaxAttempts
// it becomes FAILED, logged at ERROR with its saga id and reason, and the
// rows behind it flow on.
type Relay struct {
	store     Store
	publisher Publisher
	cfg       RelayConfig
	log       *zap.Logger

	mu     sync.Mutex
	queued []Message
	ready  chan struct{}

	// unmarked are the ids the fast path published and has not marked yet,
	// and markDue when the oldest of them must be marked; only Run's
	// goroutine touches them.
	unmarked []Mark
	markDue  time.Time
}

// NewRelay returns a relay over store and publisher.
func NewRelay(store Store, publisher Publisher, cfg RelayConfig, log *zap.Logger) *Relay {
	cfg.setDefaults()
	return &Relay{store: store, publisher: publisher, cfg: cfg, log: log.With(zap.String("relay", cfg.Name)),
		ready: make(chan struct{}, 1)}
}

// Lease is how long the rows this relay's instance writes are reserved for
// its fast path (RelayConfig.Lease).
func (r *Relay) Lease() time.Duration { return r.cfg.Lease }

// PublishCommitted hands the relay rows that a committed transaction wrote
// and leased to this instance; Run publishes them at once. It never blocks:
// beyond MaxQueued waiting rows, the rows are left to a claim once their
// lease has run out.
func (r *Relay) PublishCommitted(msgs ...Message) {
	r.mu.Lock()
	if len(r.queued)+len(msgs) > r.cfg.MaxQueued {
		r.mu.Unlock()
		r.log.Warn("outbox fast path full; rows wait for their lease to run out", zap.Int("rows", len(msgs)),
			zap.Duration("lease", r.cfg.Lease))
		return
	}
	r.queued = append(r.queued, msgs...)
	r.mu.Unlock()
	select {
	case r.ready <- struct{}{}:
	default:
	}
}

// Run publishes until ctx is cancelled: what PublishCommitted hands it at
// once, and what a claim finds at start, every PollInterval and after a
// failure. Rows still queued at the end wait for their lease to run out,
// and then for a claim by this instance's successor or another instance.
func (r *Relay) Run(ctx context.Context) error {
	backoff := retry.NewBackoff(r.cfg.MinBackoff, r.cfg.MaxBackoff)
	ticker := time.NewTicker(r.cfg.PollInterval)
	defer ticker.Stop()
	markTimer := time.NewTimer(time.Hour)
	markTimer.Stop()
	defer markTimer.Stop()
	// What the broker took is marked even when shutdown began meanwhile.
	defer r.markBeforeStop(ctx)
	claim := true
	for {
		var (
			err      error
			released bool
		)
		if claim {
			err = r.Drain(ctx)
		} else {
			released, err = r.publishQueued(ctx)
		}
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			// Rows published before the failure are marked before the wait,
			// which may approach their lease.
			if err := r.markPublished(ctx, true); err != nil {
				r.log.Warn("outbox rows published but not marked; they go out again once their lease runs out", zap.Error(err))
			}
			wait := backoff.Next()
			r.log.Warn("outbox publish failed; retrying", zap.Error(err), zap.Duration("backoff", wait))
			if !retry.Sleep(ctx, wait, nil) {
				return nil
			}
			claim = true
			continue
		}
		backoff.Reset()
		if released {
			// Rows the fast path could not publish: claim them now, not at
			// the next tick.
			claim = true
			continue
		}
		select {
		case <-ticker.C:
			// A claim is due; under steady load the queue is never empty,
			// and the rows of a crashed writer or a resend must not wait.
			claim = true
			continue
		default:
		}
		if r.queuedRows() > 0 {
			// Rows left queued when a publish or a mark failed: their
			// signal was taken by that attempt.
			claim = false
			continue
		}
		var marksDue <-chan time.Time
		if len(r.unmarked) > 0 {
			markTimer.Reset(time.Until(r.markDue))
			marksDue = markTimer.C
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.ready:
			claim = false
		case <-ticker.C:
			claim = true
		case <-marksDue:
			if err := r.markPublished(ctx, true); err != nil {
				r.log.Warn("outbox rows published but not marked; they go out again once their lease runs out", zap.Error(err))
			}
			claim = false
		}
		markTimer.Stop()
	}
}

// publishQueued publishes the committed rows waiting for the fast path, a
// batch at a time, and marks those the broker took. Rows it could not
// publish are released for a claim, which charges attempts and backs off
// as for any row; released says a claim should follow at once, and err is
// the first retriable failure, after which the rest stays queued.
func (r *Relay) publishQueued(ctx context.Context) (released bool, err error) {
	for ctx.Err() == nil {
		r.mu.Lock()
		n := min(len(r.queued), r.cfg.BatchSize)
		batch := r.queued[:n:n]
		r.queued = r.queued[n:]
		r.mu.Unlock()
		if n == 0 {
			return released, nil
		}
		errs := r.publisher.Publish(ctx, batch)
		acked := time.Now()
		var (
			published []Mark
			failed    []uuid.UUID
		)
		var transient error
		for i, m := range batch {
			switch {
			case i < len(errs) && errs[i] == nil:
				published = append(published, Mark{ID: m.ID, PublishedAt: acked})
			default:
				failed = append(failed, m.ID)
				if i < len(errs) && !retry.IsPermanent(errs[i]) && transient == nil {
					transient = fmt.Errorf("message %s not published: %w", m.ID, errs[i])
				}
			}
		}
		if len(published) > 0 && len(r.unmarked) == 0 {
			r.markDue = time.Now().Add(r.cfg.MarkDelay)
		}
		r.unmarked = append(r.unmarked, published...)
		if err := r.markPublished(ctx, false); err != nil {
			return true, err
		}
		if len(failed) > 0 {
			released = true
			// A release does not end with ctx either.
			releaseCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
			if err := r.store.Release(releaseCtx, failed); err != nil {
				r.log.Warn("outbox rows not released; they wait for their lease", zap.Int("rows", len(failed)), zap.Error(err))
			}
			cancel()
		}
		if transient != nil {
			return true, transient
		}
	}
	return released, nil
}

// markPublished marks the published rows waiting for their mark, if a full
// batch of them waits, their MarkDelay is over, or now is set. Rows a saga
// step holds at that moment wait for the next mark, a MarkDelay later. The
// mark does not end with ctx: what the broker took is marked even when
// shutdown began during the send. The rows of a failed mark stay STARTED
// and leased; once the lease runs out a claim sends them again under the
// same ids.
func (r *Relay) markPublished(ctx context.Context, now bool) error {
	if len(r.unmarked) == 0 || !now && len(r.unmarked) < r.cfg.BatchSize && time.Now().Before(r.markDue) {
		return nil
	}
	marks := r.unmarked
	r.unmarked = nil
	markCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	busy, err := r.store.MarkPublished(markCtx, marks)
	if err != nil {
		return fmt.Errorf("mark %d published rows: %w", len(marks), err)
	}
	if len(busy) > 0 {
		r.unmarked = busy
		r.markDue = time.Now().Add(r.cfg.MarkDelay)
	}
	return nil
}

// markBeforeStop marks what the broker took before Run returns, waiting a
// MarkDelay between rounds for the saga steps that hold some of the rows,
// at most stopMarkRounds times. What is left goes out again once its lease
// runs out, under the same ids.
func (r *Relay) markBeforeStop(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	for round := 0; len(r.unmarked) > 0; round++ {
		if round > 0 {
			if round == stopMarkRounds {
				r.log.Info("outbox rows published but not marked at stop; they go out again once their lease runs out",
					zap.Int("rows", len(r.unmarked)))
				return
			}
			retry.Sleep(ctx, r.cfg.MarkDelay, nil)
		}
		if err := r.markPublished(ctx, true); err != nil {
			r.log.Warn("outbox rows published but not marked at stop; they go out again once their lease runs out", zap.Error(err))
			return
		}
	}
}

// stopMarkRounds bounds markBeforeStop.
const stopMarkRounds = 5

// queuedRows is how many committed rows wait for the fast path.
func (r *Relay) queuedRows() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.queued)
}

// markTimeout bounds a mark or a release of the fast path.
const markTimeout = 10 * time.Second

// Drain publishes batches until fewer rows than a full batch are waiting. It
// returns the error of a batch of which any row failed for a reason that may
// pass (the relay then backs off); rows that failed for good were charged an
// attempt and do not stop the drain.
func (r *Relay) Drain(ctx context.Context) error {
	for {
		claimed, err := r.store.Claim(ctx, r.cfg.BatchSize, r.publish)
		if err := backOffFor(err); err != nil {
			return err
		}
		if claimed < r.cfg.BatchSize || ctx.Err() != nil {
			return nil //nolint:nilerr // a shutdown ends the drain; it is no failure to back off for
		}
	}
}

// backOffFor is the part of a claim's error the relay backs off for: all of
// it, except a *PublishError's rows that failed for good, which were charged
// an attempt and do not stop the drain.
func backOffFor(err error) error {
	var rowsFailed *PublishError
	if errors.As(err, &rowsFailed) {
		return rowsFailed.Transient
	}
	return err
}

func (r *Relay) publish(ctx context.Context, batch []Message) ([]uuid.UUID, error) {
	errs := r.publisher.Publish(ctx, batch)
	if len(errs) != len(batch) {
		return nil, fmt.Errorf("publisher answered %d results for %d messages", len(errs), len(batch))
	}
	published := make([]uuid.UUID, 0, len(batch))
	var (
		permanent []int
		transient error
	)
	for i, err := range errs {
		switch {
		case err == nil:
			published = append(published, batch[i].ID)
		case retry.IsPermanent(err):
			permanent = append(permanent, i)
		case transient == nil:
			// Cut off by shutdown, or a broker error that a later send can
			// cure (leader moving, too few in-sync replicas, a timeout): not
			// the row's fault, and never charged, even when rows of other
			// partitions went through.
			transient = fmt.Errorf("message %s not published: %w", batch[i].ID, err)
		}
	}
	if len(published) > 0 {
		r.log.Debug("outbox batch published", zap.Int("messages", len(published)))
	}
	if len(permanent) == 0 {
		if transient != nil {
			return published, fmt.Errorf("%d of %d messages not published: %w", len(batch)-len(published), len(batch), transient)
		}
		return published, nil
	}
	rowsFailed := &PublishError{Rows: make([]RowFailure, len(permanent)), Transient: transient}
	for j, i := range permanent {
		m, err := batch[i], errs[i]
		giveUp := m.Attempts+1 >= r.cfg.MaxAttempts
		rowsFailed.Rows[j] = RowFailure{ID: m.ID, Err: err, GiveUp: giveUp}
		fields := []zap.Field{zap.Stringer("message_id", m.ID), zap.Stringer("saga_id", m.SagaID),
			zap.Int("attempt", m.Attempts+1), zap.Int("max_attempts", r.cfg.MaxAttempts), zap.Error(err)}
		if giveUp {
			r.log.Error("outbox message cannot be published; marking it FAILED", fields...)
		} else {
			r.log.Warn("outbox message not published; it will be tried again", fields...)
		}
	}
	return published, rowsFailed
}
