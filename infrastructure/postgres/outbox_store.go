package postgres

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

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
// created_at, processed_at, type, payload, outbox_status, attempts,
// last_error, and trace_parent and lease_until (nullable); the service's own
// status columns and version are left alone.
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

// claimable is the predicate of the rows a claim may take: waiting, and not
// leased to a writer that may still be publishing them.
const claimable = `outbox_status = 'STARTED' AND (lease_until IS NULL OR lease_until < clock_timestamp())`

// Claim implements outbox.Store. The claimed rows stay locked until the
// transaction ends, so a concurrent relay skips them rather than publishing
// them a second time. A table with nothing to claim costs one read.
func (s *OutboxStore) Claim(ctx context.Context, limit int, publish func(context.Context, []outbox.Message) ([]uuid.UUID, error)) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	table := QuoteIdent(s.table.Name)
	var waiting bool
	if err := s.db.WithContext(ctx).Raw(`SELECT EXISTS (SELECT 1 FROM ` + table + ` WHERE ` + claimable + `)`).Scan(&waiting).Error; err != nil {
		return 0, fmt.Errorf("look for %s rows to claim: %w", s.table.Name, err)
	}
	if !waiting {
		return 0, nil
	}
	claimed := 0
	var publishErr error
	txCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimTimeout)
	defer cancel()
	err := s.db.WithContext(txCtx).Transaction(func(tx *gorm.DB) error {
		// The relay's marks may be lost in a crash of PostgreSQL without harm:
		// a lost COMPLETED mark only makes the row go out again under the
		// same message id, which every receiver recognises. So this
		// transaction, unlike the ones that change business data, does not
		// wait for its commit to reach the disk. The claim itself turns
		// synchronous_commit off for the transaction (set_config's true is
		// SET LOCAL), to save a round trip a claim.
		var rows []outboxRow
		err := tx.Raw(`SELECT id, saga_id, type, payload, created_at, attempts, trace_parent,
				set_config('synchronous_commit', 'off', true) AS synchronous_commit
			FROM `+table+`
			WHERE `+claimable+` ORDER BY created_at, id LIMIT ? FOR UPDATE SKIP LOCKED`, limit).Scan(&rows).Error
		if err != nil {
			return fmt.Errorf("claim %s rows: %w", s.table.Name, err)
		}
		claimed = len(rows)
		if claimed == 0 {
			return nil
		}
		batch := make([]outbox.Message, len(rows))
		for i, r := range rows {
			batch[i] = OutboxMessage(r.ID, r.SagaID, r.Type, r.Payload, r.CreatedAt, r.TraceParent)
			batch[i].Attempts = r.Attempts
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

// MarkPublished implements outbox.Store in one statement that does not wait
// for the disk: set_config's true makes synchronous_commit off for the
// statement's own transaction, and that setting is what its commit reads.
// processed_at is the database's clock at the statement less each row's age,
// so a mark gathered for a while still dates the publish, not the mark. A
// row withdrawn meanwhile becomes COMPLETED too: it was sent. The rows are
// locked with SKIP LOCKED: a row a saga step holds (its reply came back
// before the mark) is left alone and returned busy, so the mark never waits
// and is never part of a deadlock. The ids and ages go as array parameters,
// so the statement is prepared once whatever the number of rows.
func (s *OutboxStore) MarkPublished(ctx context.Context, marks []outbox.Mark) ([]outbox.Mark, error) {
	if len(marks) == 0 {
		return nil, nil
	}
	table := QuoteIdent(s.table.Name)
	ids := make([]string, len(marks))
	ages := make([]string, len(marks))
	now := time.Now()
	for i, m := range marks {
		ids[i] = m.ID.String()
		ages[i] = strconv.FormatFloat(max(now.Sub(m.PublishedAt), 0).Seconds(), 'f', 6, 64)
	}
	// owed: the rows still to mark, as the statement's snapshot sees them;
	// free: those of them no other transaction holds; busy: owed less marked.
	var busy []struct{ ID uuid.UUID }
	owed := `SELECT id FROM ` + table + ` WHERE id = ANY(?::uuid[]) AND outbox_status IN (?, ?)`
	err := s.db.WithContext(ctx).Raw(`WITH owed AS (`+owed+`),
			free AS (`+owed+` FOR UPDATE SKIP LOCKED),
			marked AS (
				UPDATE `+table+` AS t SET outbox_status = ?,
					processed_at = clock_timestamp() - make_interval(secs => m.age)
				FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async,
					unnest(?::uuid[], ?::float8[]) AS m(id, age)
				WHERE t.id = m.id AND t.id IN (SELECT id FROM free)
				RETURNING t.id)
		SELECT id FROM owed WHERE id NOT IN (SELECT id FROM marked)`,
		pgArray(ids), outbox.StatusStarted, outbox.StatusWithdrawn,
		pgArray(ids), outbox.StatusStarted, outbox.StatusWithdrawn,
		outbox.StatusCompleted, pgArray(ids), pgArray(ages)).Scan(&busy).Error
	if err != nil {
		return nil, WrapError(err, "mark "+s.table.Name+" rows published")
	}
	if len(busy) == 0 {
		return nil, nil
	}
	held := make(map[uuid.UUID]bool, len(busy))
	for _, b := range busy {
		held[b.ID] = true
	}
	out := make([]outbox.Mark, 0, len(busy))
	for _, m := range marks {
		if held[m.ID] {
			out = append(out, m)
		}
	}
	return out, nil
}

// pgArray renders elements that need no quoting (uuids, numbers) as a
// PostgreSQL array literal.
func pgArray(elems []string) string { return "{" + strings.Join(elems, ",") + "}" }

// Release implements outbox.Store.
func (s *OutboxStore) Release(ctx context.Context, ids []uuid.UUID) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE `+QuoteIdent(s.table.Name)+` SET lease_until = NULL
		WHERE id IN ? AND outbox_status = ?`, ids, outbox.StatusStarted).Error
	return WrapError(err, "release "+s.table.Name+" rows")
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
// message ids, with their attempts back and no lease, so that the next claim
// of any instance publishes them. A row still STARTED is owed already: its
// publish is in flight, waits for its mark, or is the relay's to retry, and
// it keeps its lease, so that it goes out once, not twice. Rows the cleaner
// moved to <table>_archive (outbox.archive) are moved back first, so that
// they too go out again under their ids. It reports whether any row matched;
// rows the cleaner deleted are gone. It runs on conn, which may be a
// transaction (see Conn), and needs the archive table.
func ResendOutboxRows(ctx context.Context, conn *gorm.DB, table, where string, args ...any) (bool, error) {
	conn = conn.WithContext(ctx)
	resend := func() (int64, error) {
		res := conn.Exec(`UPDATE `+QuoteIdent(table)+` SET outbox_status = ?, processed_at = NULL, attempts = 0,
			last_error = NULL, lease_until = CASE WHEN outbox_status = ? THEN lease_until END
			WHERE `+where, append([]any{outbox.StatusStarted, outbox.StatusStarted}, args...)...)
		return res.RowsAffected, WrapError(res.Error, "resend "+table+" rows")
	}
	n, err := resend()
	if err != nil || n > 0 {
		return n > 0, err
	}
	restored := conn.Exec(`WITH moved AS (DELETE FROM `+QuoteIdent(table+"_archive")+` WHERE `+where+` RETURNING *)
		INSERT INTO `+QuoteIdent(table)+` SELECT * FROM moved`, args...)
	if restored.Error != nil {
		return false, WrapError(restored.Error, "restore archived "+table+" rows")
	}
	if restored.RowsAffected == 0 {
		return false, nil
	}
	_, err = resend()
	return err == nil, err
}

// LeaseValue is the lease_until of an outbox row as it is written: the
// database's clock plus the lease of the relay that will publish the row at
// commit, or NULL when none will (a claim then publishes it). As a gorm
// field value it is written as that SQL expression.
type LeaseValue struct{ lease time.Duration }

// LeaseUntil returns the lease_until of a row that relay publishes at
// commit; relay may be nil.
func LeaseUntil(relay outbox.AtCommit) LeaseValue {
	if relay == nil {
		return LeaseValue{}
	}
	return LeaseValue{lease: relay.Lease()}
}

// GormValue renders the lease in the INSERT.
func (l LeaseValue) GormValue(context.Context, *gorm.DB) clause.Expr {
	if l.lease <= 0 {
		return clause.Expr{SQL: "NULL"}
	}
	return clause.Expr{SQL: "clock_timestamp() + make_interval(secs => ?)", Vars: []any{l.lease.Seconds()}}
}

// Value makes LeaseValue a column type for gorm's schema. Rows are written
// through GormValue, which gorm prefers; a lease has no value of its own
// outside the database's clock.
func (l LeaseValue) Value() (driver.Value, error) {
	if l.lease <= 0 {
		return nil, nil
	}
	return nil, errors.New("a lease is written as SQL (GormValue), not as a value")
}

// OutboxMessage is an outbox row, as a repository has just written it, in
// the form its relay publishes (see PublishAtCommit).
func OutboxMessage(id, sagaID uuid.UUID, typ string, payload []byte, createdAt time.Time, traceParent *string) outbox.Message {
	m := outbox.Message{ID: id, SagaID: sagaID, Type: typ, Payload: payload, CreatedAt: createdAt}
	if traceParent != nil {
		m.TraceParent = *traceParent
	}
	return m
}

// PublishAtCommit hands msgs to relay once the transaction carried by ctx
// has committed, for the rows written with LeaseUntil(relay); with a nil
// relay it does nothing and a claim publishes them.
func PublishAtCommit(ctx context.Context, relay outbox.AtCommit, msgs ...outbox.Message) {
	if relay == nil || len(msgs) == 0 {
		return
	}
	AfterCommit(ctx, func() { relay.PublishCommitted(msgs...) })
}
