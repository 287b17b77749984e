package httpserver

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// minDiscardLimit is the least of an oversized body the server reads and
// throws away before it answers 413: enough for the bodies that clients which
// write everything before reading (Python's urllib, Go's http.Client with a
// large body) commonly send by mistake.
const minDiscardLimit = 8 << 20

// errTooLarge is the body limit's answer, in echo's vocabulary so that the
// error handler writes {"code": "too_large", ...}.
var errTooLarge = echo.ErrStatusRequestEntityTooLarge

// bodyLimit refuses request bodies longer than limit with 413.
//
// echo's BodyLimit answers as soon as it sees the length and leaves the body
// unread; net/http then closes the connection while the client is still
// writing, and a client that reads only after writing its whole body gets a
// connection reset instead of the 413. So the rest of the body is read and
// thrown away first, up to discard bytes and within timeout. A body longer
// than that is not worth reading: the 413 is sent and the connection closed.
// A client that asked "Expect: 100-continue" has not sent its body yet and
// waits for the answer, so nothing is read for it.
func bodyLimit(limit, discard int64, timeout time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > limit {
				discardBody(c, req.Body, req.ContentLength, discard, timeout)
				return errTooLarge
			}
			if req.Body != nil && req.Body != http.NoBody {
				// The length is unknown (chunked) or within the limit: count
				// what is actually read.
				req.Body = &limitedBody{c: c, body: req.Body, limit: limit, discard: discard, timeout: timeout}
			}
			return next(c)
		}
	}
}

// discardBody reads and drops what is left of body, so that the answer
// reaches a client that is still writing. remaining is the declared length
// still to come, -1 when unknown.
func discardBody(c echo.Context, body io.Reader, remaining, discard int64, timeout time.Duration) {
	req := c.Request()
	if body == nil || expectsContinue(req) || remaining > discard {
		return
	}
	rc := http.NewResponseController(c.Response())
	// A client that trickles its body must not hold the handler: the read
	// deadline bounds the whole discard. ErrNotSupported (a recorder in
	// tests) only means there is no connection to bound.
	_ = rc.SetReadDeadline(time.Now().Add(timeout))
	_, _ = io.CopyN(io.Discard, body, discard+1)
	_ = rc.SetReadDeadline(time.Time{})
}

func expectsContinue(req *http.Request) bool {
	for _, v := range req.Header.Values("Expect") {
		if strings.EqualFold(strings.TrimSpace(v), "100-continue") {
			return true
		}
	}
	return false
}

// limitedBody is a request body of undeclared length that turns into
// errTooLarge once more than limit bytes were read, after throwing the rest
// away like bodyLimit does for a declared length.
type limitedBody struct {
	c       echo.Context
	body    io.ReadCloser
	limit   int64
	discard int64
	timeout time.Duration
	read    int64
	over    bool
}

// Read implements io.Reader.
func (b *limitedBody) Read(p []byte) (int, error) {
	if b.over {
		return 0, errTooLarge
	}
	n, err := b.body.Read(p)
	b.read += int64(n)
	if b.read <= b.limit {
		return n, err
	}
	b.over = true
	if !errors.Is(err, io.EOF) {
		discardBody(b.c, b.body, -1, b.discard-b.read, b.timeout)
	}
	return 0, errTooLarge
}

// Close implements io.Closer.
func (b *limitedBody) Close() error { return b.body.Close() }
