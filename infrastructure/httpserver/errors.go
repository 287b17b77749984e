package httpserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/food-ordering-system/common/kernel"
)

// ErrorResponse is the body of every error answer.
type ErrorResponse struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// The messages of the answers whose details are for the log only: a conflict
// would name the rows and versions that raced, a server-side failure the
// database, the driver or worse.
const (
	MessageConflict    = "the request conflicts with a concurrent change; try again"
	MessageUnavailable = "service temporarily unavailable; try again"
	MessageInternal    = "unexpected error"
)

// StatusClientClosedRequest is the status the request log shows for a request
// its client cancelled before the answer (nginx's 499). It is not a server
// error, and no client ever reads it.
const StatusClientClosedRequest = 499

// StatusError is an answer an adapter chooses itself for an error that the
// kernel codes do not describe, such as 422 for a reused idempotency key.
// Err is the cause, kept for the log and errors.Is.
type StatusError struct {
	Status  int
	Code    string
	Message string
	Err     error
}

func (e *StatusError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %s: %v", e.Status, e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *StatusError) Unwrap() error { return e.Err }

// statusOf maps kernel error codes to HTTP statuses; one table for the whole
// system.
var statusOf = map[kernel.ErrorCode]int{
	kernel.ECodeInvalid:     http.StatusBadRequest,
	kernel.ECodeNotFound:    http.StatusNotFound,
	kernel.ECodeConflict:    http.StatusConflict,
	kernel.ECodeUnavailable: http.StatusServiceUnavailable,
	kernel.ECodeInternal:    http.StatusInternalServerError,
}

// codeOfStatus names the echo errors (routing, body limit) in the same
// vocabulary.
var codeOfStatus = map[int]string{
	http.StatusBadRequest:            string(kernel.ECodeInvalid),
	http.StatusNotFound:              string(kernel.ECodeNotFound),
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusConflict:              string(kernel.ECodeConflict),
	http.StatusRequestEntityTooLarge: "too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusServiceUnavailable:    string(kernel.ECodeUnavailable),
}

// ErrorHandler writes every error as {"code", "message"} with the status its
// kernel code maps to. Conflicts and server-side failures are shown to the
// client only with a fixed message; the request log keeps the full error, and
// 5xx answers are also logged at ERROR. A request its client cancelled is
// answered 499 for the log's sake and not logged as a failure.
func ErrorHandler(log *zap.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		if errors.Is(c.Request().Context().Err(), context.Canceled) {
			// Whatever failed, it failed because the client went away and
			// nobody reads the answer: not a fault of the server.
			c.Response().WriteHeader(StatusClientClosedRequest)
			return
		}
		status, body := describe(err)
		if status >= http.StatusInternalServerError {
			log.Error("request failed", zap.String("method", c.Request().Method),
				zap.String("uri", c.Request().RequestURI), zap.Int("status", status), zap.Error(err))
		}
		var werr error
		if c.Request().Method == http.MethodHead {
			werr = c.NoContent(status)
		} else {
			werr = c.JSON(status, body)
		}
		if werr != nil {
			log.Warn("writing error response", zap.Error(werr))
		}
	}
}

func describe(err error) (int, ErrorResponse) {
	var se *StatusError
	if errors.As(err, &se) {
		return answer(se.Status, se.Code, se.Message)
	}
	var he *echo.HTTPError
	if errors.As(err, &he) && !hasKernelError(err) {
		code, ok := codeOfStatus[he.Code]
		if !ok {
			code = "http_error"
		}
		msg := http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok && m != "" {
			msg = m
		}
		return answer(he.Code, code, msg)
	}
	code := kernel.ErrorCodeOf(err)
	status, ok := statusOf[code]
	if !ok {
		status, code = http.StatusInternalServerError, kernel.ECodeInternal
	}
	return answer(status, string(code), kernel.ErrorMessageOf(err))
}

// answer replaces the message of a conflict or of a server-side failure with
// a fixed one: what raced or broke is for the log, not for the client.
func answer(status int, code, message string) (int, ErrorResponse) {
	switch {
	case status == http.StatusConflict:
		message = MessageConflict
	case status == http.StatusServiceUnavailable:
		code, message = string(kernel.ECodeUnavailable), MessageUnavailable
	case status >= http.StatusInternalServerError:
		code, message = string(kernel.ECodeInternal), MessageInternal
	}
	return status, ErrorResponse{Code: code, Message: message}
}

func hasKernelError(err error) bool {
	var ke *kernel.Error
	return errors.As(err, &ke)
}
