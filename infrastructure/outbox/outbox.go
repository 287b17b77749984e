// Package outbox implements the transactional outbox: services write the
// messages they owe other services into an outbox table in the same database
// transaction as their state change, and a Relay publishes those rows to the
// broker afterwards. A Cleaner removes or archives rows that are finished.
//
// The package is independent of PostgreSQL and Kafka: it drives a Store port
// and a Publisher port, which the postgres and kafka packages implement.
package outbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Status is the publication state of one outbox row.
type Status string

// Outbox statuses. A relay moves a row from STARTED to COMPLETED once the
// broker has it. A row that fails on its own (it cannot be mapped or encoded,
// or the broker refuses that one record) stays STARTED for a bounded number
// of attempts and then becomes FAILED, so that it stops holding the table
// back; its last error stays on the row for the operator.
const (
	StatusStarted   Status = "STARTED"
	StatusCompleted Status = "COMPLETED"
	StatusFailed    Status = "FAILED"
	// StatusWithdrawn is a request its saga no longer wants, withdrawn
	// before any relay published it: the saga moved on (an answer came, the
	// saga compensated or ended) in the transaction that withdrew it. No
	// relay claims it, so no request outlives its saga.
	StatusWithdrawn Status = "WITHDRAWN"
)

// Valid reports whether s is a declared status.
func (s Status) Valid() bool {
	return s == StatusStarted || s == StatusCompleted || s == StatusFailed || s == StatusWithdrawn
}

// ParseStatus converts stored text into a Status.
func ParseStatus(text string) (Status, error) {
	s := Status(text)
	if !s.Valid() {
		return "", fmt.Errorf("unknown outbox status %q", text)
	}
	return s, nil
}

// Message is one outbox row as the relay sees it. ID is the message id that
// consumers use to recognise re-sends; SagaID keys the message so one saga's
// messages stay ordered on one partition; Payload is the service's JSON.
type Message struct {
	ID        uuid.UUID
	SagaID    uuid.UUID
	Type      string
	Payload   []byte
	CreatedAt time.Time
	// Attempts is how many publishes of this row failed on their own before.
	Attempts int
	// TraceParent is the W3C traceparent of the span that wrote the row,
	// empty when tracing was off: the publish continues that trace.
	TraceParent string
}

// Store is the relay's view of an outbox table.
//
// A row is published on one of two paths. The fast path: the transaction
// that writes the row leases it to the writing instance (lease_until), whose
// relay publishes it right after the commit (Relay.PublishCommitted) and
// marks it with MarkPublished. The safety net: Claim takes the rows whose
// lease has expired (the writer crashed, or could not publish) or that were
// never leased (a resend), in a transaction of its own.
type Store interface {
	// Claim locks up to limit STARTED rows in creation order whose lease has
	// expired or that were never leased, skipping rows locked by another
	// relay, and passes them to publish inside one database transaction. The
	// rows whose ids publish returns are marked COMPLETED with processed_at
	// and the transaction commits, even when publish also returns an error
	// for the rest of the batch. When that error is a *PublishError, each of
	// its rows gets one more attempt and its last error recorded, and the
	// rows it gives up on become FAILED; other rows stay as they were. The
	// marking commits even when ctx ends during publish: what the broker
	// acknowledged is never sent twice because of a shutdown. A table with
	// nothing to claim costs one read, not a transaction.
	// Claim returns how many rows it claimed and publish's error, if any.
	Claim(ctx context.Context, limit int, publish func(ctx context.Context, batch []Message) (published []uuid.UUID, err error)) (claimed int, err error)
	// MarkPublished marks COMPLETED the rows that the fast path published,
	// each with processed_at when the broker took it: the database's clock
	// less the time since then, measured on this process's monotonic clock,
	// so that no two clocks are compared. It includes a row its saga withdrew
	// meanwhile (it was sent, so it is not withdrawn). It never waits for a
	// row lock: the marks of rows a saga step holds at that moment are
	// returned as busy, for the caller to mark once the step has committed,
	// so that a mark neither waits for a step nor makes steps wait behind it.
	// The mark need not wait for the disk: a lost mark only sends the row
	// again under the same message id.
	MarkPublished(ctx context.Context, marks []Mark) (busy []Mark, err error)
	// Release ends the lease of the rows of ids that the fast path could not
	// publish, so that the next claim takes them without waiting for the
	// lease to run out.
	Release(ctx context.Context, ids []uuid.UUID) error
}

// Mark is one row the fast path published: its id, and when the broker
// acknowledged it (read for its monotonic reading only).
type Mark struct {
	ID          uuid.UUID
	PublishedAt time.Time
}

// Publisher sends a batch of messages to the broker and reports the outcome
// of each: errs has one entry per message, nil where the broker acknowledged.
// It returns only when every message is acknowledged or has failed.
type Publisher interface {
	Publish(ctx context.Context, batch []Message) (errs []error)
}

// PublisherFunc adapts a function to Publisher.
type PublisherFunc func(ctx context.Context, batch []Message) []error

// Publish calls f.
func (f PublisherFunc) Publish(ctx context.Context, batch []Message) []error { return f(ctx, batch) }

// RowFailure is one row of a batch that failed on its own.
type RowFailure struct {
	ID  uuid.UUID
	Err error
	// GiveUp says the row has used its attempts: the store marks it FAILED.
	GiveUp bool
}

// PublishError reports the rows of a batch that failed for good (a retry.Permanent
// error), while the rest of the batch was published or failed for a reason
// that may pass. The store counts an attempt on each of Rows. Rows that
// failed only for a retriable reason are never charged: a batch without
// permanent failures is reported with a plain error instead.
type PublishError struct {
	Rows []RowFailure
	// Transient is the first retriable error of the batch, nil when every
	// other row was published; the relay then backs off.
	Transient error
}

func (e *PublishError) Error() string {
	parts := make([]string, len(e.Rows))
	for i, r := range e.Rows {
		parts[i] = fmt.Sprintf("message %s: %v", r.ID, r.Err)
	}
	return fmt.Sprintf("%d outbox message(s) not published: %s", len(e.Rows), strings.Join(parts, "; "))
}

// AtCommit is what a repository that writes outbox rows needs of the relay
// of their table to publish them at commit: the lease to write on each row,
// and where the rows go once their transaction has committed. *Relay
// implements it.
type AtCommit interface {
	Lease() time.Duration
	PublishCommitted(msgs ...Message)
}

var _ AtCommit = (*Relay)(nil)
