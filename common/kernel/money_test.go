package kernel_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
)

func TestMoneyEqualityIgnoresScale(t *testing.T) {
	assert.True(t, kernel.MustParseMoney("200").Equal(kernel.MustParseMoney("200.00")))
	assert.True(t, kernel.MustParseMoney("200.5").Equal(kernel.MustParseMoney("200.50")))
	assert.False(t, kernel.MustParseMoney("200.01").Equal(kernel.MustParseMoney("200.00")))
	assert.Equal(t, "200.00", kernel.MustParseMoney("200").String())
}

func TestMoneyArithmetic(t *testing.T) {
	tests := []struct {
		name string
		got  kernel.Money
		want string
	}{
		{"add", kernel.MustParseMoney("0.10").Add(kernel.MustParseMoney("0.20")), "0.30"},
		{"subtract", kernel.MustParseMoney("500.00").Subtract(kernel.MustParseMoney("200.00")), "300.00"},
		{"subtract below zero", kernel.MustParseMoney("10").Subtract(kernel.MustParseMoney("10.01")), "-0.01"},
		{"multiply", kernel.MustParseMoney("50.00").Multiply(3), "150.00"},
		{"multiply by zero", kernel.MustParseMoney("50.00").Multiply(0), "0.00"},
		{"cents", kernel.MoneyFromCents(12345), "123.45"},
		{"sum of many small amounts stays exact", sum(kernel.MustParseMoney("0.01"), 1000), "10.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got.String())
		})
	}
}

func sum(m kernel.Money, n int) kernel.Money {
	total := kernel.ZeroMoney
	for range n {
		total = total.Add(m)
	}
	return total
}

func TestNewMoneyRoundsHalfToEven(t *testing.T) {
	tests := map[string]string{
		"2.345":  "2.34", // tie: round to the even cent
		"2.355":  "2.36",
		"2.3451": "2.35", // not a tie
		"-2.345": "-2.34",
		"0.005":  "0.00",
		"0.015":  "0.02",
	}
	for in, want := range tests {
		assert.Equal(t, want, kernel.NewMoney(decimal.RequireFromString(in)).String(), in)
	}
}

func TestMoneyComparison(t *testing.T) {
	a, b := kernel.MustParseMoney("10.00"), kernel.MustParseMoney("10.01")
	assert.True(t, b.GreaterThan(a))
	assert.False(t, a.GreaterThan(b))
	assert.True(t, a.LessThan(b))
	assert.Equal(t, -1, a.Cmp(b))
	assert.Equal(t, 0, a.Cmp(kernel.MustParseMoney("10")))
	assert.True(t, a.IsGreaterThanZero())
	assert.False(t, kernel.ZeroMoney.IsGreaterThanZero())
	assert.True(t, kernel.MustParseMoney("-0.01").IsNegative())
}

func TestParseMoneyRefusesMoreThanTwoDecimals(t *testing.T) {
	_, err := kernel.ParseMoney("10.001")
	require.ErrorIs(t, err, kernel.ErrMoneyPrecision)
	_, err = kernel.ParseMoney("ten")
	require.Error(t, err)
	m, err := kernel.ParseMoney("10.100") // trailing zeros are not precision
	require.NoError(t, err)
	assert.Equal(t, "10.10", m.String())
}

func TestMoneyJSON(t *testing.T) {
	type body struct {
		Price kernel.Money `json:"price"`
	}
	out, err := json.Marshal(body{Price: kernel.MustParseMoney("200")})
	require.NoError(t, err)
	assert.JSONEq(t, `{"price": 200.00}`, string(out))
	assert.Contains(t, string(out), "200.00", "written as a decimal number with two places")

	var in body
	require.NoError(t, json.Unmarshal([]byte(`{"price": 50.5}`), &in))
	assert.Equal(t, "50.50", in.Price.String())
	require.NoError(t, json.Unmarshal([]byte(`{"price": "25.00"}`), &in))
	assert.Equal(t, "25.00", in.Price.String())

	err = json.Unmarshal([]byte(`{"price": 1.005}`), &in)
	assert.True(t, errors.Is(err, kernel.ErrMoneyPrecision), "got %v", err)
	assert.Error(t, json.Unmarshal([]byte(`{"price": null}`), &in))
	assert.Error(t, json.Unmarshal([]byte(`{"price": true}`), &in))
}
