package application

import "errors"

// Errors the output ports report, wrapped, for conditions the use cases act on.
var (
	// ErrNotFound: the row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrDuplicate: a unique index refused the row, so a concurrent or earlier
	// delivery of the same request already wrote it.
	ErrDuplicate = errors.New("duplicate")
)
