package httpserver

import (
	"errors"
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
	http.StatusRequestEntityTooLarge: "too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
}

// ErrorHandler writes every error as {"code", "message"} with the status its
// kernel code maps to. Internal errors are logged in full and shown to the
// client only as "unexpected error".
func ErrorHandler(log *zap.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, body := describe(err)
		if status >= http.StatusInternalServerError {
			log.Error("request failed", zap.String("method", c.Request().Method),
				zap.String("uri", c.Request().RequestURI), zap.Error(err))
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
	var he *echo.HTTPError
	if errors.As(err, &he) && !hasKernelError(err) {
		code, ok := codeOfStatus[he.Code]
		if !ok {
			code = "http_error"
		}
		if he.Code >= http.StatusInternalServerError {
			return he.Code, ErrorResponse{Code: string(kernel.ECodeInternal), Message: "unexpected error"}
		}
		msg := http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok && m != "" {
			msg = m
		}
		return he.Code, ErrorResponse{Code: code, Message: msg}
	}
	code := kernel.ErrorCodeOf(err)
	status, ok := statusOf[code]
	if !ok {
		status, code = http.StatusInternalServerError, kernel.ECodeInternal
	}
	return status, ErrorResponse{Code: string(code), Message: kernel.ErrorMessageOf(err)}
}

func hasKernelError(err error) bool {
	var ke *kernel.Error
	return errors.As(err, &ke)
}
