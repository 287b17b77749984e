package kernel

import (
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// moneyScale is the number of decimal places every amount is kept to.
const moneyScale = 2

// Money is an exact amount with two decimal places. Every result is rounded
// half to even (banker's rounding), so sums never drift, and 200 equals
// 200.00. The zero value is 0.00.
type Money struct {
	amount decimal.Decimal
}

// ErrMoneyPrecision is returned when an amount is given with more decimal
// places than Money keeps. Parsing refuses such amounts instead of silently
// rounding what a client meant.
var ErrMoneyPrecision = errors.New("amount has more than two decimal places")

// ZeroMoney is 0.00.
var ZeroMoney = Money{}

// NewMoney returns d rounded half to even to two decimal places.
func NewMoney(d decimal.Decimal) Money {
	return Money{amount: d.RoundBank(moneyScale)}
}

// MoneyFromCents returns the amount cents/100, exactly.
func MoneyFromCents(cents int64) Money {
	return Money{amount: decimal.New(cents, -moneyScale)}
}

// ParseMoney parses a decimal string such as "200", "200.5" or "200.50".
// Amounts with more than two decimal places are refused with
// ErrMoneyPrecision; use NewMoney to round deliberately.
func ParseMoney(s string) (Money, error) {
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil {
		return Money{}, fmt.Errorf("invalid amount %q: %w", s, err)
	}
	if !d.Equal(d.Round(moneyScale)) {
		return Money{}, fmt.Errorf("invalid amount %q: %w", s, ErrMoneyPrecision)
	}
	return NewMoney(d), nil
}

// MustParseMoney is ParseMoney for constants known to be valid. It panics on
// malformed input.
func MustParseMoney(s string) Money {
	m, err := ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return m
}

// Decimal returns the amount as a decimal, for adapters that store it.
func (m Money) Decimal() decimal.Decimal { return m.amount }

// Add returns m + o.
func (m Money) Add(o Money) Money { return NewMoney(m.amount.Add(o.amount)) }

// Subtract returns m - o.
func (m Money) Subtract(o Money) Money { return NewMoney(m.amount.Sub(o.amount)) }

// Multiply returns m × quantity.
func (m Money) Multiply(quantity int) Money {
	return NewMoney(m.amount.Mul(decimal.NewFromInt(int64(quantity))))
}

// Cmp compares m and o: -1 if m < o, 0 if equal, +1 if m > o.
func (m Money) Cmp(o Money) int { return m.amount.Cmp(o.amount) }

// Equal reports whether both amounts are the same; the scale they were written
// with does not matter (200 equals 200.00).
func (m Money) Equal(o Money) bool { return m.amount.Equal(o.amount) }

// GreaterThan reports whether m > o.
func (m Money) GreaterThan(o Money) bool { return m.amount.GreaterThan(o.amount) }

// LessThan reports whether m < o.
func (m Money) LessThan(o Money) bool { return m.amount.LessThan(o.amount) }

// IsGreaterThanZero reports whether m > 0.00.
func (m Money) IsGreaterThanZero() bool { return m.amount.IsPositive() }

// IsNegative reports whether m < 0.00.
func (m Money) IsNegative() bool { return m.amount.IsNegative() }

// String formats the amount with exactly two decimals, e.g. "200.00".
func (m Money) String() string { return m.amount.StringFixed(moneyScale) }

// MarshalJSON writes the amount as a JSON number with two decimals (200.00),
// never as a float conversion.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalJSON reads a JSON number or a numeric string. More than two decimal
// places is an error (ErrMoneyPrecision), so a wire amount is never rounded
// behind the sender's back.
func (m *Money) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return errors.New("amount must not be null")
	}
	s = strings.Trim(s, `"`)
	parsed, err := ParseMoney(s)
	if err != nil {
		return err
	}
	*m = parsed
	return nil
}
