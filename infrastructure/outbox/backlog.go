package outbox

import "time"

// Backlog is what an outbox table holds that is not yet on the broker: the
// rows waiting for the relay (STARTED) and the rows it gave up on (FAILED).
// A growing backlog, or an old first row, means the relay is not keeping up
// or not running.
type Backlog struct {
	// Waiting is the number of STARTED rows.
	Waiting int64
	// OldestWaiting is the creation time of the oldest STARTED row; zero when
	// none waits.
	OldestWaiting time.Time
	// Failed is the number of rows parked FAILED, which wait for an operator.
	Failed int64
}
