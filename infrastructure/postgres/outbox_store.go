package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/food-ordering-system/infrastructure/outbox"
)

// OutboxTable describes one outbox table for OutboxStore.
type OutboxTable struct {
	// Name is the table, unqualified (the search_path names the schema).
	Name string
	// FinishedWhere is the SQL predicate of rows the cleaner may remove. The
	// default is every row the relay published: outbox_status = 'COMPLETED'.
	FinishedWhere string
	// Archive moves finished rows to <Name>_archive (same columns) instead of
	// deleting them.
	Archive bool
}

// OutboxStore adapts an outbox table to the relay (outbox.Store) and the
// cleaner (outbox.CleanerStore). The table needs the columns id, saga_id,
// created_at, processed_at, type, payload, outbox_status and version; the
// service's own status columns are left alone.
type OutboxStore struct {
	db    *gorm.DB
	table OutboxTable
	now   func() time.Time
}

var (
	_ outbox.Store        = (*OutboxStore)(nil)
	_ outbox.CleanerStore = (*OutboxStore)(nil)
)

// NewOutboxStore returns the store of table.
func NewOutboxStore(db *gorm.DB, table OutboxTable) *OutboxStore {
	if table.FinishedWhere == "" {
		table.FinishedWhere = fmt.Sprintf("outbox_status = '%s'", outbox.StatusCompleted)
	}
	return &OutboxStore{db: db, table: table, now: func() time.Time { return time.Now().UTC() }}
}

type outboxRow struct {
	ID        uuid.UUID
	SagaID    uuid.UUID
	Type      string
	Payload   json.RawMessage
	CreatedAt time.Time
}

// Claim implements outbox.Store. The claimed rows stay locked until the
// transaction ends, so a concurrent relay skips them rather than publishing
// them a second time.
func (s *OutboxStore) Claim(ctx context.Context, limit int, publish func(context.Context, []outbox.Message) ([]uuid.UUID, error)) (int, error) {
	claimed := 0
	var publishErr error
	table := QuoteIdent(s.table.Name)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []outboxRow
		err := tx.Raw(`SELECT id, saga_id, type, payload, created_at FROM `+table+`
			WHERE outbox_status = ? ORDER BY created_at, id LIMIT ? FOR UPDATE SKIP LOCKED`,
			outbox.StatusStarted, limit).Scan(&rows).Error
		if err != nil {
			return fmt.Errorf("claim %s rows: %w", s.table.Name, err)
		}
		claimed = len(rows)
		if claimed == 0 {
			return nil
		}
		batch := make([]outbox.Message, len(rows))
		for i, r := range rows {
			batch[i] = outbox.Message{ID: r.ID, SagaID: r.SagaID, Type: r.Type, Payload: r.Payload, CreatedAt: r.CreatedAt}
		}
		var published []uuid.UUID
		published, publishErr = publish(ctx, batch)
		if len(published) == 0 {
			return nil
		}
		err = tx.Exec(`UPDATE `+table+` SET outbox_status = ?, processed_at = ?, version = version + 1
			WHERE id IN ?`, outbox.StatusCompleted, s.now(), published).Error
		if err != nil {
			return fmt.Errorf("mark %s rows completed: %w", s.table.Name, err)
		}
		return nil
	})
	if err != nil {
		return claimed, err
	}
	return claimed, publishErr
}

// CleanFinished implements outbox.CleanerStore: it deletes the finished rows,
// or moves them to the archive table in one statement.
func (s *OutboxStore) CleanFinished(ctx context.Context) (int64, error) {
	table := QuoteIdent(s.table.Name)
	query := `DELETE FROM ` + table + ` WHERE ` + s.table.FinishedWhere
	if s.table.Archive {
		query = `WITH moved AS (DELETE FROM ` + table + ` WHERE ` + s.table.FinishedWhere + ` RETURNING *)
			INSERT INTO ` + QuoteIdent(s.table.Name+"_archive") + ` SELECT * FROM moved`
	}
	res := s.db.WithContext(ctx).Exec(query)
	if res.Error != nil {
		return 0, fmt.Errorf("clean %s: %w", s.table.Name, res.Error)
	}
	return res.RowsAffected, nil
}
