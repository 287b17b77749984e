// Package outboxtest is the test kit of the transactional outbox: a relay
// stand-in that records the rows a repository hands it at commit, and a
// check that a service's outbox repository leases and hands over what it
// writes, and only what commits.
package outboxtest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/postgres"
)

// AtCommit is an outbox.AtCommit that records what it is handed.
type AtCommit struct {
	// LeaseFor is the lease it asks for (a minute when zero).
	LeaseFor time.Duration

	mu     sync.Mutex
	handed []outbox.Message
}

var _ outbox.AtCommit = (*AtCommit)(nil)

// Lease implements outbox.AtCommit.
func (a *AtCommit) Lease() time.Duration {
	if a.LeaseFor == 0 {
		return time.Minute
	}
	return a.LeaseFor
}

// PublishCommitted implements outbox.AtCommit.
func (a *AtCommit) PublishCommitted(msgs ...outbox.Message) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.handed = append(a.handed, msgs...)
}

// Handed returns what it was handed so far.
func (a *AtCommit) Handed() []outbox.Message {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]outbox.Message(nil), a.handed...)
}

// CheckPublishAtCommit checks a service's outbox repository: save writes one
// row (through relay, which the repository was built with) in the
// transaction of the context it is given and returns its message id. A row
// of a transaction that rolls back is never handed over; a committed row is
// handed over once, after the commit, with its saga id, type and payload,
// and is leased for the relay's lease by the database's clock, so that no
// claim takes it meanwhile.
func CheckPublishAtCommit(t *testing.T, db *gorm.DB, table string, relay *AtCommit, save func(ctx context.Context) (uuid.UUID, error)) {
	t.Helper()
	tx := postgres.NewTransactor(db)
	ctx := context.Background()
	failed := errors.New("the use case failed")
	err := tx.Transact(ctx, func(ctx context.Context) error {
		if _, err := save(ctx); err != nil {
			return err
		}
		return failed
	})
	require.ErrorIs(t, err, failed)
	assert.Empty(t, relay.Handed(), "a row that was rolled back is never handed over")

	var id uuid.UUID
	err = tx.Transact(ctx, func(ctx context.Context) error {
		var err error
		if id, err = save(ctx); err != nil {
			return err
		}
		assert.Empty(t, relay.Handed(), "nothing is handed over before the commit")
		return nil
	})
	require.NoError(t, err)
	handed := relay.Handed()
	require.Len(t, handed, 1, "the committed row is handed over once")
	assert.Equal(t, id, handed[0].ID)

	var stored struct {
		SagaID    uuid.UUID
		Type      string
		Payload   string
		LeaseLeft float64
	}
	require.NoError(t, db.Raw(`SELECT saga_id, type, payload::text AS payload,
			EXTRACT(EPOCH FROM lease_until - clock_timestamp()) AS lease_left
		FROM `+postgres.QuoteIdent(table)+` WHERE id = ?`, id).Scan(&stored).Error)
	assert.Equal(t, stored.SagaID, handed[0].SagaID)
	assert.Equal(t, stored.Type, handed[0].Type)
	assert.JSONEq(t, stored.Payload, string(handed[0].Payload))
	assert.InDelta(t, relay.Lease().Seconds(), stored.LeaseLeft, 5, "leased for the relay's lease")

	claimed, err := postgres.NewOutboxStore(db, postgres.OutboxTable{Name: table}).Claim(ctx, 10,
		func(context.Context, []outbox.Message) ([]uuid.UUID, error) { return nil, nil })
	require.NoError(t, err)
	assert.Zero(t, claimed, "no claim takes a row its writer's relay holds")
}
