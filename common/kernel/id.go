package kernel

import (
	"fmt"

	"github.com/google/uuid"
)

// ID is a UUID tagged with the kind of thing it identifies, so that an order id
// cannot be passed where a customer id is expected. The tag type parameter is
// never instantiated; it only makes ID[orderTag] and ID[customerTag] distinct.
type ID[T any] uuid.UUID

// Tags that distinguish the identifier kinds. They carry no data.
type (
	orderTag         struct{}
	customerTag      struct{}
	restaurantTag    struct{}
	productTag       struct{}
	paymentTag       struct{}
	trackingTag      struct{}
	sagaTag          struct{}
	orderApprovalTag struct{}
	creditEntryTag   struct{}
	creditHistoryTag struct{}
	messageTag       struct{}
)

// The identifier kinds shared across the services.
type (
	OrderID         = ID[orderTag]
	CustomerID      = ID[customerTag]
	RestaurantID    = ID[restaurantTag]
	ProductID       = ID[productTag]
	PaymentID       = ID[paymentTag]
	TrackingID      = ID[trackingTag]
	SagaID          = ID[sagaTag]
	OrderApprovalID = ID[orderApprovalTag]
	CreditEntryID   = ID[creditEntryTag]
	CreditHistoryID = ID[creditHistoryTag]
	// MessageID identifies one outbox message; it stays the same across re-sends.
	MessageID = ID[messageTag]
)

// Identifier is satisfied by every ID kind (and by uuid.UUID), so the
// constructors below are called with the kind to build:
// kernel.ParseID[kernel.OrderID](s).
type Identifier interface{ ~[16]byte }

// NewID returns a fresh random (version 4) identifier of kind I.
func NewID[I Identifier]() I { return I(uuid.New()) }

// ParseID parses the canonical textual form of a UUID into an identifier of
// kind I. The empty string and the nil UUID are refused: no entity is ever
// identified by them.
func ParseID[I Identifier](s string) (I, error) {
	u, err := uuid.Parse(s)
	if err != nil {
		return I{}, fmt.Errorf("invalid id %q: %w", s, err)
	}
	if u == uuid.Nil {
		return I{}, fmt.Errorf("invalid id %q: the nil uuid identifies nothing", s)
	}
	return I(u), nil
}

// MustParseID is ParseID for constants known to be valid, such as seed data
// and test fixtures. It panics on a malformed id.
func MustParseID[I Identifier](s string) I {
	id, err := ParseID[I](s)
	if err != nil {
		panic(err)
	}
	return id
}

// IDFromUUID converts a UUID read from a row or a message into kind I.
func IDFromUUID[I Identifier](u uuid.UUID) I { return I(u) }

// UUID returns the identifier as a plain UUID, for adapters.
func (id ID[T]) UUID() uuid.UUID { return uuid.UUID(id) }

// String returns the canonical lower-case textual form.
func (id ID[T]) String() string { return uuid.UUID(id).String() }

// IsZero reports whether the identifier was never set.
func (id ID[T]) IsZero() bool { return uuid.UUID(id) == uuid.Nil }

// MarshalText encodes the identifier in its canonical form, so ids read as
// strings in JSON and in logs.
func (id ID[T]) MarshalText() ([]byte, error) { return uuid.UUID(id).MarshalText() }

// UnmarshalText parses the canonical form.
func (id *ID[T]) UnmarshalText(b []byte) error {
	parsed, err := ParseID[ID[T]](string(b))
	if err != nil {
		return err
	}
	*id = parsed
	return nil
}
