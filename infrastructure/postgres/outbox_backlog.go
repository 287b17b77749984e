package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// Table returns the name of the store's outbox table, as metrics label it.
func (s *OutboxStore) Table() string { return s.table.Name }

// Backlog reads what the table holds that is not on the broker yet, in one
// statement that takes no row lock, so that a scrape never waits for a relay
// and a relay never waits for a scrape. The relay's index on (outbox_status,
// created_at) keeps it from reading the published rows.
func (s *OutboxStore) Backlog(ctx context.Context) (outbox.Backlog, error) {
	var r struct {
		Waiting       int64
		OldestWaiting *time.Time
		Failed        int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT
			count(*) FILTER (WHERE outbox_status = ?) AS waiting,
			min(created_at) FILTER (WHERE outbox_status = ?) AS oldest_waiting,
			count(*) FILTER (WHERE outbox_status = ?) AS failed
		FROM `+QuoteIdent(s.table.Name)+` WHERE outbox_status IN (?, ?)`,
		outbox.StatusStarted, outbox.StatusStarted, outbox.StatusFailed, outbox.StatusStarted, outbox.StatusFailed).
		Scan(&r).Error
	if err != nil {
		return outbox.Backlog{}, WrapError(err, fmt.Sprintf("read the backlog of %s", s.table.Name))
	}
	b := outbox.Backlog{Waiting: r.Waiting, Failed: r.Failed}
	if r.OldestWaiting != nil {
		b.OldestWaiting = r.OldestWaiting.UTC()
	}
	return b, nil
}
