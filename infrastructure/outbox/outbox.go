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
	"time"

	"github.com/google/uuid"
)

// Status is the publication state of one outbox row.
type Status string

// Outbox statuses. A relay only ever moves a row from STARTED to COMPLETED; a
// publish that fails leaves the row STARTED so that it is tried again. FAILED
// is kept for rows an operator gives up on.
const (
	StatusStarted   Status = "STARTED"
	StatusCompleted Status = "COMPLETED"
	StatusFailed    Status = "FAILED"
)

// Valid reports whether s is a declared status.
func (s Status) Valid() bool {
	return s == StatusStarted || s == StatusCompleted || s == StatusFailed
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
}

// Store is the relay's view of an outbox table.
type Store interface {
	// Claim locks up to limit STARTED rows in creation order, skipping rows
	// locked by another relay, and passes them to publish inside one database
	// transaction. The rows whose ids publish returns are marked COMPLETED with
	// processed_at and the transaction commits, even when publish also returns
	// an error for the rest of the batch: those stay STARTED for the next try.
	// Claim returns how many rows it claimed and publish's error, if any.
	Claim(ctx context.Context, limit int, publish func(ctx context.Context, batch []Message) (published []uuid.UUID, err error)) (claimed int, err error)
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
