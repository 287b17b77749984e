package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
// created_at, processed_at, type, payload, outbox_status, attempts and
// last_error, and trace_parent (nullable); the service's own status columns
// and version are left alone.
type OutboxStore struct {
	db    *gorm.DB
	table OutboxTable
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
	return &OutboxStore{db: db, table: table}
}

type outboxRow struct {
	ID          uuid.UUID
	SagaID      uuid.UUID
	Type        string
	Payload     json.RawMessage
	CreatedAt   time.Time
	Attempts    int
	TraceParent *string
}

// claimTimeout bounds one claim transaction, publish included. The
// transaction does not end with the caller's context: a batch the broker
// acknowledged is marked COMPLETED even when shutdown began meanwhile.
const claimTimeout = 2 * time.Minute

// maxErrorText bounds the last error kept on a row.
const maxErrorText = 2000

// Claim implements outbox.Store. The claimed rows stay locked until the
// transaction ends, so a concurrent relay skips them rather than publishing
// them a second time.
func (s *OutboxStore) Claim(ctx context.Context, limit int, publish func(context.Context, []outbox.Message) ([]uuid.UUID, error)) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	claimed := 0
	var publishErr error
	table := QuoteIdent(s.table.Name)
	txCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimTimeout)
	defer cancel()
	err := s.db.WithContext(txCtx).Transaction(func(tx *gorm.DB) error {
		// The relay's marks may be lost in a crash of PostgreSQL without harm:
		// a lost COMPLETED mark only makes the row go out again under the
		// same message id, which every receiver recognises. So this
		// transaction, unlike the ones that change business data, does not
		// wait for its commit to reach the disk. The claim itself turns
		// synchronous_commit off for the transaction (set_config's true is
		// SET LOCAL), to save a round trip a claim; a claim that finds no
		// row has nothing to commit.
		var rows []outboxRow
		err := tx.Raw(`SELECT id, saga_id, type, payload, created_at, attempts, trace_parent,
				set_config('synchronous_commit', 'off', true) AS synchronous_commit
			FROM `+table+`
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
			batch[i] = outbox.Message{ID: r.ID, SagaID: r.SagaID, Type: r.Type, Payload: r.Payload, CreatedAt: r.CreatedAt, Attempts: r.Attempts}
			if r.TraceParent != nil {
				batch[i].TraceParent = *r.TraceParent
			}
		}
		var published []uuid.UUID
		published, publishErr = publish(ctx, batch)
		if len(published) > 0 {
			// The relay's columns only: the saga's optimistic lock (version)
			// is left alone, so a publish never conflicts with a reply.
			// processed_at is the database's clock, read when the broker has
			// answered: the saga's deadlines run from it, in SQL, so that
			// no service's clock is involved.
			err = tx.Exec(`UPDATE `+table+` SET outbox_status = ?, processed_at = clock_timestamp() WHERE id IN ?`,
				outbox.StatusCompleted, published).Error
			if err != nil {
				return fmt.Errorf("mark %s rows completed: %w", s.table.Name, err)
			}
		}
		var rowsFailed *outbox.PublishError
		if errors.As(publishErr, &rowsFailed) {
			return s.chargeAttempts(tx, rowsFailed.Rows)
		}
		return nil
	})
	if err != nil {
		return claimed, err
	}
	return claimed, publishErr
}

// chargeAttempts records one more failed attempt and the error on each row,
// and marks FAILED the rows the relay gives up on.
func (s *OutboxStore) chargeAttempts(tx *gorm.DB, failures []outbox.RowFailure) error {
	table := QuoteIdent(s.table.Name)
	for _, f := range failures {
		status := outbox.StatusStarted
		if f.GiveUp {
			status = outbox.StatusFailed
		}
		err := tx.Exec(`UPDATE `+table+` SET attempts = attempts + 1, last_error = ?, outbox_status = ? WHERE id = ?`,
			errorText(f.Err), status, f.ID).Error
		if err != nil {
			return fmt.Errorf("record failed attempt on %s row %s: %w", s.table.Name, f.ID, err)
		}
	}
	return nil
}

// errorText is err's text as PostgreSQL text can hold it: valid UTF-8, no
// NUL bytes, bounded.
func errorText(err error) string {
	text := strings.ToValidUTF8(strings.ReplaceAll(err.Error(), "\x00", ""), "?")
	if len(text) > maxErrorText {
		text = strings.ToValidUTF8(text[:maxErrorText], "") + "..."
	}
	return text
}

// cleanBatch is how many rows one cleaning statement removes at most, and
// cleanStatements how many statements one CleanFinished runs at most. The
// runtime role's statement_timeout (roles.sql) applies to each statement: a
// backlog of finished rows (a cleaner long switched off, archiving turned on
// late) is removed in short statements instead of one that the timeout
// would cancel every time. What is left after cleanStatements waits for the
// next interval.
const (
	cleanBatch      = 5000
	cleanStatements = 200
)

// CleanFinished implements outbox.CleanerStore: it deletes the finished rows,
// or moves them to the archive table, cleanBatch rows a statement.
func (s *OutboxStore) CleanFinished(ctx context.Context) (int64, error) {
	table := QuoteIdent(s.table.Name)
	batch := `id IN (SELECT id FROM ` + table + ` WHERE ` + s.table.FinishedWhere + ` LIMIT ` + strconv.Itoa(cleanBatch) + `)`
	query := `DELETE FROM ` + table + ` WHERE ` + batch
	if s.table.Archive {
		query = `WITH moved AS (DELETE FROM ` + table + ` WHERE ` + batch + ` RETURNING *)
			INSERT INTO ` + QuoteIdent(s.table.Name+"_archive") + ` SELECT * FROM moved`
	}
	var removed int64
	for range cleanStatements {
		res := s.db.WithContext(ctx).Exec(query)
		if res.Error != nil {
			return removed, fmt.Errorf("clean %s: %w", s.table.Name, res.Error)
		}
		removed += res.RowsAffected
		if res.RowsAffected < cleanBatch {
			break
		}
	}
	return removed, nil
}

// ResendOutboxRows hands the rows of table that match where back to the
// relay, whatever became of them (published, parked FAILED), under their
// message ids and with their attempts back, and wakes the relays, since an
// update does not fire the insert trigger that usually does. Rows the
// cleaner moved to <table>_archive (outbox.archive) are moved back first, so
// that they too go out again under their ids. It reports whether any row
// matched; rows the cleaner deleted are gone. A row a relay holds while
// publishing makes the statement wait for the relay's mark, and then goes
// out once more: a duplicate, which receivers recognise. It runs on conn,
// which may be a transaction (see Conn), and needs the archive table.
func ResendOutboxRows(ctx context.Context, conn *gorm.DB, table, where string, args ...any) (bool, error) {
	conn = conn.WithContext(ctx)
	resend := func() (int64, error) {
		res := conn.Exec(`UPDATE `+QuoteIdent(table)+` SET outbox_status = ?, processed_at = NULL, attempts = 0, last_error = NULL
			WHERE `+where, append([]any{outbox.StatusStarted}, args...)...)
		return res.RowsAffected, WrapError(res.Error, "resend "+table+" rows")
	}
	n, err := resend()
	if err != nil {
		return false, err
	}
	if n == 0 {
		restored := conn.Exec(`WITH moved AS (DELETE FROM `+QuoteIdent(table+"_archive")+` WHERE `+where+` RETURNING *)
			INSERT INTO `+QuoteIdent(table)+` SELECT * FROM moved`, args...)
		if restored.Error != nil {
			return false, WrapError(restored.Error, "restore archived "+table+" rows")
		}
		if restored.RowsAffected == 0 {
			return false, nil
		}
		if _, err := resend(); err != nil {
			return false, err
		}
	}
	err = conn.Exec(`SELECT pg_notify(current_schema() || '.' || ?, '')`, table).Error
	return true, WrapError(err, "wake the relay of "+table)
}
