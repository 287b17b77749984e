package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/order-service/internal/application"
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

// command maps the request to the application's command, checking that every
// field is present and every id is a UUID. The application validates the
// rest (CreateOrderCommand.Validate), once.
func (r createOrderRequest) command() (application.CreateOrderCommand, error) {
	var cmd application.CreateOrderCommand
	var err error
	if cmd.CustomerID, err = parseID[kernel.CustomerID]("customerId", r.CustomerID); err != nil {
		return cmd, err
	}
	if cmd.RestaurantID, err = parseID[kernel.RestaurantID]("restaurantId", r.RestaurantID); err != nil {
		return cmd, err
	}
	if r.Address == nil {
		return cmd, required("address")
	}
	cmd.Address = application.OrderAddress{Street: r.Address.Street, PostalCode: r.Address.PostalCode, City: r.Address.City}
	if r.Price == nil {
		return cmd, required("price")
	}
	cmd.Price = *r.Price
	if r.Items == nil {
		return cmd, required("items")
	}
	cmd.Items = make([]application.OrderItemCommand, len(r.Items))
	for i, it := range r.Items {
		field := fmt.Sprintf("items[%d]", i)
		item := &cmd.Items[i]
		if item.ProductID, err = parseID[kernel.ProductID](field+".productId", it.ProductID); err != nil {
			return cmd, err
		}
		switch {
		case it.Quantity == nil:
			return cmd, required(field + ".quantity")
		case it.Price == nil:
			return cmd, required(field + ".price")
		case it.SubTotal == nil:
			return cmd, required(field + ".subTotal")
		}
		item.Quantity, item.Price, item.SubTotal = *it.Quantity, *it.Price, *it.SubTotal
	}
	return cmd, nil
}

func parseID[I kernel.Identifier](field string, s *string) (I, error) {
	if s == nil || *s == "" {
		var zero I
		return zero, required(field)
	}
	id, err := kernel.ParseID[I](*s)
	if err != nil {
		return id, kernel.WrapError(kernel.ECodeInvalid, err, fmt.Sprintf("%s is not a valid UUID: %q", field, *s))
	}
	return id, nil
}

func required(field string) error {
	return kernel.Errorf(kernel.ECodeInvalid, "%s is required", field)
}
