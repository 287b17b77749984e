package application

import "errors"

// ErrNotFound is returned (wrapped) by repositories when the row asked for
// does not exist.
var ErrNotFound = errors.New("not found")

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
