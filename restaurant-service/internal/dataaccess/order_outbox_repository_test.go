package dataaccess_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
	"github.com/food-ordering-system/infrastructure/testkit/outboxtest"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/infrastructure/tracing"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/dataaccess"
	"github.com/food-ordering-system/restaurant-service/migrations"
)

func TestOrderOutboxRepositorySaveAndUniquePerSaga(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	repo := dataaccess.NewOrderOutboxRepository(db, nil)
	ctx := context.Background()
	sagaID := kernel.NewID[kernel.SagaID]()
	msg := outboxMessage(sagaID, kernel.EventTime(time.Now()))

	answered, err := repo.ResendBySagaID(ctx, sagaID)
	require.NoError(t, err)
	assert.False(t, answered)

	require.NoError(t, repo.Save(ctx, msg))

	answered, err = repo.ResendBySagaID(ctx, sagaID)
	require.NoError(t, err)
	assert.True(t, answered)
	row, ok := readOutbox(t, db, "order_outbox", msg.ID)
	require.True(t, ok)
	assert.Equal(t, "STARTED", row.OutboxStatus)
	assert.Equal(t, "REJECTED", row.ApprovalStatus)
	assert.Equal(t, saga.OrderSagaName, row.Type)
	assert.Nil(t, row.ProcessedAt)
	var payload application.OrderEventPayload
	require.NoError(t, json.Unmarshal([]byte(row.Payload), &payload))
	assert.Equal(t, msg.Payload.OrderID, payload.OrderID)
	assert.Equal(t, msg.Payload.FailureMessages, payload.FailureMessages)
	assert.True(t, msg.Payload.CreatedAt.Equal(payload.CreatedAt))

	second := outboxMessage(sagaID, kernel.EventTime(time.Now()))
	assert.ErrorIs(t, repo.Save(ctx, second), kernel.ErrDuplicate)
}

func TestOrderOutboxRepositoryRelayAndCleaner(t *testing.T) {
	for _, archive := range []bool{false, true} {
		name := "delete"
		if archive {
			name = "archive"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
			repo := dataaccess.NewOrderOutboxRepository(db, nil)
			store := dataaccess.NewOrderOutboxStore(db, archive)
			ctx := context.Background()
			base := kernel.EventTime(time.Now())
			first := outboxMessage(kernel.NewID[kernel.SagaID](), base)
			second := outboxMessage(kernel.NewID[kernel.SagaID](), base.Add(time.Millisecond))
			require.NoError(t, repo.Save(ctx, second))
			require.NoError(t, repo.Save(ctx, first))

			// The relay sees both rows in creation order and publishes only the first.
			claimed, err := store.Claim(ctx, 10, func(_ context.Context, batch []outbox.Message) ([]uuid.UUID, error) {
				require.Len(t, batch, 2)
				assert.Equal(t, first.ID.UUID(), batch[0].ID)
				assert.Equal(t, first.SagaID.UUID(), batch[0].SagaID)
				assert.Equal(t, second.ID.UUID(), batch[1].ID)
				var payload application.OrderEventPayload
				require.NoError(t, json.Unmarshal(batch[0].Payload, &payload))
				assert.Equal(t, first.Payload.OrderID, payload.OrderID)
				return []uuid.UUID{batch[0].ID}, errors.New("second not acknowledged")
			})
			assert.Equal(t, 2, claimed)
			assert.Error(t, err)

			row, ok := readOutbox(t, db, "order_outbox", first.ID)
			require.True(t, ok)
			assert.Equal(t, "COMPLETED", row.OutboxStatus)
			assert.NotNil(t, row.ProcessedAt)
			row, ok = readOutbox(t, db, "order_outbox", second.ID)
			require.True(t, ok)
			assert.Equal(t, "STARTED", row.OutboxStatus)

			removed, err := store.CleanFinished(ctx)
			require.NoError(t, err)
			assert.Equal(t, int64(1), removed)
			_, ok = readOutbox(t, db, "order_outbox", first.ID)
			assert.False(t, ok, "the published row is cleaned")
			_, ok = readOutbox(t, db, "order_outbox", second.ID)
			assert.True(t, ok, "the unpublished row stays")
			archived, ok := readOutbox(t, db, "order_outbox_archive", first.ID)
			assert.Equal(t, archive, ok)
			if archive {
				assert.Equal(t, "COMPLETED", archived.OutboxStatus)
			}
		})
	}
}

func TestOrderOutboxRowIsPublishedAtCommit(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	relay := &outboxtest.AtCommit{}
	repo := dataaccess.NewOrderOutboxRepository(db, relay)
	outboxtest.CheckPublishAtCommit(t, db, "order_outbox", relay, func(ctx context.Context) (uuid.UUID, error) {
		msg := outboxMessage(kernel.NewID[kernel.SagaID](), kernel.EventTime(time.Now()))
		return msg.ID.UUID(), repo.Save(ctx, msg)
	})
}

// A row keeps the trace of the span it was written in, for the relay to
// publish it on; a row written without one (tracing off) keeps NULL.
func TestOrderOutboxKeepsTheWritersTrace(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	repo := dataaccess.NewOrderOutboxRepository(db, nil)
	const traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	traced := outboxMessage(kernel.NewID[kernel.SagaID](), kernel.EventTime(time.Now()))
	untraced := outboxMessage(kernel.NewID[kernel.SagaID](), kernel.EventTime(time.Now()))
	require.NoError(t, repo.Save(tracing.ContextWithTraceParent(context.Background(), traceParent), traced))
	require.NoError(t, repo.Save(context.Background(), untraced))

	var nulls int
	require.NoError(t, db.Raw(`SELECT count(*) FROM order_outbox WHERE id = ? AND trace_parent IS NULL`, untraced.ID.UUID()).Scan(&nulls).Error)
	assert.Equal(t, 1, nulls)
	got := map[uuid.UUID]string{}
	_, err := dataaccess.NewOrderOutboxStore(db, false).Claim(context.Background(), 10, func(_ context.Context, batch []outbox.Message) ([]uuid.UUID, error) {
		for _, m := range batch {
			got[m.ID] = m.TraceParent
		}
		return nil, nil
	})
	require.NoError(t, err)
	assert.Equal(t, map[uuid.UUID]string{traced.ID.UUID(): traceParent, untraced.ID.UUID(): ""}, got)
}
