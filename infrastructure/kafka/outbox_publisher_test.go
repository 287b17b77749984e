package kafka_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/outbox"
)

// recordingSender keeps what it was asked to send and fails the records
// whose key is in fail.
type recordingSender struct {
	sent []kafka.Message
	fail map[string]bool
}

func (s *recordingSender) Send(_ context.Context, msgs []kafka.Message) []error {
	s.sent = append(s.sent, msgs...)
	errs := make([]error, len(msgs))
	for i, m := range msgs {
		if s.fail[string(m.Key)] {
			errs[i] = errors.New("not enough replicas")
		}
	}
	return errs
}

func TestOutboxPublisherMapsRowsAndReportsEachResult(t *testing.T) {
	type wire struct {
		ID     uuid.UUID `json:"id"`
		Amount string    `json:"amount"`
	}
	rows := []outbox.Message{
		{ID: uuid.New(), SagaID: uuid.New(), Payload: []byte(`{"amount":"1.00"}`)},
		{ID: uuid.New(), SagaID: uuid.New(), Payload: []byte(`not json`)},
		{ID: uuid.New(), SagaID: uuid.New(), Payload: []byte(`{"amount":"3.00"}`)},
	}
	sender := &recordingSender{fail: map[string]bool{rows[2].SagaID.String(): true}}
	pub := kafka.NewOutboxPublisher(sender, "answers", func(m outbox.Message) (any, error) {
		var p struct{ Amount string }
		if err := json.Unmarshal(m.Payload, &p); err != nil {
			return nil, err
		}
		return wire{ID: m.ID, Amount: p.Amount}, nil
	}, zap.NewNop())

	errs := pub.Publish(context.Background(), rows)

	require.Len(t, errs, 3)
	assert.NoError(t, errs[0])
	assert.ErrorContains(t, errs[1], rows[1].ID.String(), "a row that cannot be mapped fails alone")
	assert.Error(t, errs[2], "the broker's refusal is reported for its row")
	require.Len(t, sender.sent, 2, "the unmappable row is not sent")
	first := sender.sent[0]
	assert.Equal(t, "answers", first.Topic)
	assert.Equal(t, rows[0].SagaID.String(), string(first.Key), "keyed by saga id")
	assert.Equal(t, rows[0].ID.String(), first.Headers[kafka.HeaderMessageID])
	assert.JSONEq(t, `{"id":"`+rows[0].ID.String()+`","amount":"1.00"}`, string(first.Value))
}
