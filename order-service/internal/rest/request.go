package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/food-ordering-system/common/kernel"
)

// jsonShape is what the decoder knows of a body beyond what encoding/json
// checks: an object's documented property names, an array's elements, and
// which values are amounts. Where the body does not have the shape (an array
// where an object is documented), the checks stop and the decoding that
// follows reports the type.
type jsonShape struct {
	properties map[string]*jsonShape
	elements   *jsonShape
	amount     bool
}

// createOrderShape is the body of POST /orders as the OpenAPI document
// describes it.
var createOrderShape = &jsonShape{properties: map[string]*jsonShape{
	"customerId":   {},
	"restaurantId": {},
	"price":        {amount: true},
	"address":      {properties: map[string]*jsonShape{"street": {}, "postalCode": {}, "city": {}}},
	"items": {elements: &jsonShape{properties: map[string]*jsonShape{
		"productId": {}, "quantity": {}, "price": {amount: true}, "subTotal": {amount: true},
	}}},
}}

// decodeJSON reads the request body, one JSON value of the given shape, into
// v. Errors are kernel.ECodeInvalid with a message that names the offending
// field, except the body limit's 413, which is passed on as is.
//
// It is stricter than encoding/json, which takes the last of two equal keys,
// matches property names regardless of case and reads an amount from a
// string: a body is refused if it has content after its value, a key twice
// in one object, a key that is a documented property in another case
// (property names are exact, as JSON's are; customerid beside customerId
// would otherwise override it), or an amount that is not a JSON number
// written without an exponent and with at most two decimals. Properties the
// document does not name are ignored.
func decodeJSON(body io.Reader, v any, shape *jsonShape) error {
	raw, err := io.ReadAll(body)
	if err != nil {
		var httpErr *echo.HTTPError
		if errors.As(err, &httpErr) {
			return httpErr
		}
		return kernel.WrapError(kernel.ECodeInvalid, err, "request body could not be read")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return kernel.Errorf(kernel.ECodeInvalid, "request body is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := checkJSON(dec, shape, ""); err != nil {
		if kernel.ErrorCodeOf(err) == kernel.ECodeInvalid {
			return err // a check's own message
		}
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return kernel.Errorf(kernel.ECodeInvalid, "malformed JSON: content after the JSON value")
	}
	return jsonError(json.Unmarshal(raw, v))
}

// checkJSON reads one value from dec and checks it against shape (nil: no
// checks but duplicate keys); path names the value in errors.
func checkJSON(dec *json.Decoder, shape *jsonShape, path string) error {
	tok, err := token(dec)
	if err != nil {
		return err
	}
	if shape != nil && shape.amount {
		switch tok := tok.(type) {
		case nil:
			return nil // absent, as the command's check reports
		case json.Number:
			return checkAmount(tok, path)
		case string:
			return kernel.Errorf(kernel.ECodeInvalid, "%s: must be a JSON number, not a string", path)
		}
		return kernel.Errorf(kernel.ECodeInvalid, "%s: must be a JSON number", path)
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar
	}
	if delim == '[' {
		var elements *jsonShape
		if shape != nil {
			elements = shape.elements
		}
		for i := 0; dec.More(); i++ {
			if err := checkJSON(dec, elements, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	} else if err := checkObject(dec, shape, path); err != nil {
		return err
	}
	_, err = token(dec) // the closing delimiter
	return err
}

// checkObject checks the members of an object whose '{' was read.
func checkObject(dec *json.Decoder, shape *jsonShape, path string) error {
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := token(dec)
		if err != nil {
			return err
		}
		key, _ := tok.(string) // the decoder allows only strings here
		field := key
		if path != "" {
			field = path + "." + key
		}
		if seen[key] {
			return kernel.Errorf(kernel.ECodeInvalid, "%s: duplicate key", field)
		}
		seen[key] = true
		var member *jsonShape
		if shape != nil {
			var documented bool
			if member, documented = shape.properties[key]; !documented {
				for name := range shape.properties {
					if strings.EqualFold(name, key) {
						return kernel.Errorf(kernel.ECodeInvalid, "%s: unknown property; property names are case-sensitive (did you mean %s?)", field, name)
					}
				}
			}
		}
		if err := checkJSON(dec, member, field); err != nil {
			return err
		}
	}
	return nil
}

// token reads the next token of a value that has begun, so that the end of
// the body is a value cut short.
func token(dec *json.Decoder) (json.Token, error) {
	tok, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return nil, io.ErrUnexpectedEOF
	}
	return tok, err
}

// checkAmount refuses an amount written with an exponent or with more than
// two decimals, as the document's Money does.
func checkAmount(n json.Number, path string) error {
	s := string(n)
	if strings.ContainsAny(s, "eE") {
		return kernel.Errorf(kernel.ECodeInvalid, "%s: must be written without an exponent", path)
	}
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 2 {
		return kernel.Errorf(kernel.ECodeInvalid, "%s: at most two decimals", path)
	}
	return nil
}

// jsonError gives a decoding error the message a client can act on.
func jsonError(err error) error {
	if err == nil {
		return nil
	}
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	switch {
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
	// Errors of the values' own decoders say what is wrong.
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
