package application

import (
	"time"

	"github.com/food-ordering-system/common/saga"
	"github.com/food-ordering-system/infrastructure/outbox"
)

// SagaRequestRecord is one request of a saga as its outbox row remembers it.
type SagaRequestRecord struct {
	// CreatedAt is when the saga step that wrote the request happened.
	CreatedAt time.Time
	// PublishedAt is when the relay last published it; nil until then.
	PublishedAt  *time.Time
	OutboxStatus outbox.Status
	SagaStatus   saga.Status
	// Resends is how many times the saga deadline published it again.
	Resends int
}
