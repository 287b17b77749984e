package application

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/food-ordering-system/common/kernel"
)

// CreateOrderCommand is a client's order.
type CreateOrderCommand struct {
	CustomerID   kernel.CustomerID
	RestaurantID kernel.RestaurantID
	Price        kernel.Money
	Items        []OrderItemCommand
	Address      OrderAddress
	// IdempotencyKey, when not empty, makes a retry of the same command
	// answer the order the first one created instead of creating another.
	// It is not part of the order: RequestHash leaves it out.
	IdempotencyKey string
}

// DefaultMaxOrderItems is the most lines an order may have when the
// configuration does not say.
const DefaultMaxOrderItems = 100

// MaxItemQuantity is the most of one product a line may order. With it and
// MaxAmount no subtotal can overflow what the database stores.
const MaxItemQuantity = 10_000

// MaxAmount is the largest price, item price or subtotal an order may have:
// the largest value of the numeric(12,2) columns that store them.
var MaxAmount = kernel.MustParseMoney("9999999999.99")

// MaxIdempotencyKeyLength is the longest Idempotency-Key accepted.
const MaxIdempotencyKeyLength = 255

// Validate checks the command's shape before any rule of the domain is
// applied: every field is present, amounts are neither negative nor above
// MaxAmount, quantities are between 1 and MaxItemQuantity, each subtotal is
// price × quantity, there are between 1 and maxItems lines and the
// idempotency key, if any, is 1 to 255 printable ASCII characters. It returns
// a kernel.ECodeInvalid error naming the first field at fault (as the API
// names it). The domain still enforces the business rules (catalog prices,
// total). The application runs it once per command; adapters rely on it.
func (c CreateOrderCommand) Validate(maxItems int) error {
	if maxItems <= 0 {
		maxItems = DefaultMaxOrderItems
	}
	var problems []string
	if c.CustomerID.IsZero() {
		problems = append(problems, "customerId is required")
	}
	if c.RestaurantID.IsZero() {
		problems = append(problems, "restaurantId is required")
	}
	problems = append(problems, textProblems("address.street", c.Address.Street)...)
	problems = append(problems, textProblems("address.postalCode", c.Address.PostalCode)...)
	problems = append(problems, textProblems("address.city", c.Address.City)...)
	problems = append(problems, amountProblems("price", c.Price)...)
	if c.IdempotencyKey != "" && !validIdempotencyKey(c.IdempotencyKey) {
		problems = append(problems, fmt.Sprintf("Idempotency-Key must be 1 to %d printable ASCII characters", MaxIdempotencyKeyLength))
	}
	switch {
	case len(c.Items) == 0:
		problems = append(problems, "items must not be empty")
	case len(c.Items) > maxItems:
		problems = append(problems, fmt.Sprintf("items must not have more than %d entries", maxItems))
	default:
		for i, item := range c.Items {
			problems = append(problems, itemProblems(fmt.Sprintf("items[%d]", i), item)...)
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return &kernel.Error{Code: kernel.ECodeInvalid, Message: problems[0], Err: errors.New(fmt.Sprint(problems))}
}

// itemProblems returns what is wrong with one line of a command; field is
// the line as the API names it.
func itemProblems(field string, c OrderItemCommand) []string {
	var problems []string
	if c.ProductID.IsZero() {
		problems = append(problems, field+".productId is required")
	}
	switch {
	case c.Quantity < 1:
		problems = append(problems, field+".quantity must be at least 1")
	case c.Quantity > MaxItemQuantity:
		problems = append(problems, fmt.Sprintf("%s.quantity must be at most %d", field, MaxItemQuantity))
	}
	problems = append(problems, amountProblems(field+".price", c.Price)...)
	problems = append(problems, amountProblems(field+".subTotal", c.SubTotal)...)
	// Only amounts within bounds are multiplied, and a subtotal equal to the
	// product is within bounds too: price × quantity is never stored unchecked.
	if len(problems) == 0 && !c.Price.Multiply(c.Quantity).Equal(c.SubTotal) {
		problems = append(problems, fmt.Sprintf("%s.subTotal %s is not price %s × quantity %d", field, c.SubTotal, c.Price, c.Quantity))
	}
	return problems
}

func amountProblems(field string, amount kernel.Money) []string {
	switch {
	case amount.IsNegative():
		return []string{field + " must not be negative"}
	case amount.GreaterThan(MaxAmount):
		return []string{fmt.Sprintf("%s must be at most %s", field, MaxAmount)}
	}
	return nil
}

// validIdempotencyKey reports whether key is 1 to MaxIdempotencyKeyLength
// printable ASCII characters, which any HTTP client can send and any log can
// print.
func validIdempotencyKey(key string) bool {
	if len(key) == 0 || len(key) > MaxIdempotencyKeyLength {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return false
		}
	}
	return true
}

// RequestHash returns the hex SHA-256 of the command in a canonical form, so
// that the same order sent again with other whitespace, key order or number
// formatting (50 or 50.00) has the same hash, and any other order a different
// one. The idempotency key is not part of it. Call it on a valid command.
func (c CreateOrderCommand) RequestHash() string {
	type canonicalItem struct {
		ProductID string `json:"productId"`
		Quantity  int    `json:"quantity"`
		Price     string `json:"price"`
		SubTotal  string `json:"subTotal"`
	}
	type canonicalOrder struct {
		CustomerID   string          `json:"customerId"`
		RestaurantID string          `json:"restaurantId"`
		Street       string          `json:"street"`
		PostalCode   string          `json:"postalCode"`
		City         string          `json:"city"`
		Price        string          `json:"price"`
		Items        []canonicalItem `json:"items"`
	}
	order := canonicalOrder{
		CustomerID: c.CustomerID.String(), RestaurantID: c.RestaurantID.String(),
		Street: c.Address.Street, PostalCode: c.Address.PostalCode, City: c.Address.City,
		Price: c.Price.String(), Items: make([]canonicalItem, len(c.Items)),
	}
	for i, it := range c.Items {
		order.Items[i] = canonicalItem{ProductID: it.ProductID.String(), Quantity: it.Quantity, Price: it.Price.String(), SubTotal: it.SubTotal.String()}
	}
	// Marshalling strings and ints cannot fail; the struct fixes the order
	// of the keys.
	b, _ := json.Marshal(order)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// MaxAddressFieldLength is the most characters an address field may have.
const MaxAddressFieldLength = 200

// textProblems checks a required text field: present, at most
// MaxAddressFieldLength characters, and text PostgreSQL can store (valid
// UTF-8 without NUL or other control characters).
func textProblems(field, value string) []string {
	switch {
	case value == "":
		return []string{field + " is required"}
	case !utf8.ValidString(value) || strings.ContainsFunc(value, unicode.IsControl):
		return []string{field + " must be printable text"}
	case utf8.RuneCountInString(value) > MaxAddressFieldLength:
		return []string{fmt.Sprintf("%s must not be longer than %d characters", field, MaxAddressFieldLength)}
	}
	return nil
}
