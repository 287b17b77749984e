package kernel

import "time"

// DomainEvent is what every domain event has: the moment it happened. Events
// are values produced by aggregates and domain services; the application layer
// turns them into outbox payloads.
type DomainEvent interface {
	CreatedAt() time.Time
}

// EventTime is the instant that stamps domain events and outbox rows: UTC,
// truncated to microseconds so that it survives a PostgreSQL timestamptz round
// trip unchanged.
func EventTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
