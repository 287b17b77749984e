package application

import "errors"

// Errors the output ports report, wrapped, for conditions the use cases act
// on; match them with errors.Is.
var (
	// ErrNotFound: the row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrDuplicate: a unique index refused the row. A concurrent delivery of
	// the same request committed first, or a redelivery came after the first
	// answer was cleaned from the outbox; the whole transaction is then void
	// and the request already handled.
	ErrDuplicate = errors.New("duplicate row")
)
