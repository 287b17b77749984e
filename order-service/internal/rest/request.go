package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/food-ordering-system/common/kernel"
)

// decodeJSON reads the request body into v. Errors are kernel.ECodeInvalid
// with a message saying what is wrong, except the body limit's 413, which is
// passed on as is.
func decodeJSON(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return kernel.Errorf(kernel.ECodeInvalid, "malformed JSON: more than one value in the body")
		}
		return nil
	}
	var (
		httpErr   *echo.HTTPError
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &httpErr):
		return httpErr
	case errors.Is(err, io.EOF):
		return kernel.Errorf(kernel.ECodeInvalid, "request body is empty")
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return kernel.WrapError(kernel.ECodeInvalid, err, "malformed JSON")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		if isIntegerLiteral(strings.TrimPrefix(typeErr.Value, "number ")) {
			// An integer too large for Go's int: the application's bound
			// would refuse it anyway, but it never gets that far.
			return kernel.WrapError(kernel.ECodeInvalid, err, field+" is out of range")
		}
		return kernel.WrapError(kernel.ECodeInvalid, err, fmt.Sprintf("%s must be a JSON %s", field, jsonType(typeErr.Type.Kind().String())))
	}
	// Errors of the values' own decoders, such as an amount with three
	// decimals, say what is wrong.
	return kernel.WrapError(kernel.ECodeInvalid, err, "malformed request body: "+err.Error())
}

func isIntegerLiteral(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func jsonType(kind string) string {
	switch kind {
	case "int", "int64", "int32":
		return "integer"
	case "string":
		return "string"
	case "slice":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	}
	return "value of the documented type"
}
