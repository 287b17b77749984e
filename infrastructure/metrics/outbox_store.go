package metrics

import (
	"context"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// OutboxStore is what OutboxMetrics needs of an outbox table: the relay's
// store, to count what its claims publish, its name for the table label,
// and its backlog, read at every scrape. postgres.OutboxStore is one.
type OutboxStore interface {
	outbox.Store
	Table() string
	Backlog(ctx context.Context) (outbox.Backlog, error)
}
