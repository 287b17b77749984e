package dataaccess_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/common/kernel/kerneltest"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
	"github.com/food-ordering-system/payment-service/migrations"
)

// Seeded customers (000002_seed.up.sql).
var (
	seededCustomer = kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb41")
	smallCustomer  = kernel.MustParseID[kernel.CustomerID]("d215b5f8-0249-4dc5-89a3-51fd148cfb43")
)

// openDB returns a migrated throwaway schema.
func openDB(t *testing.T) *gorm.DB {
	t.Helper()
	db, _ := pgtest.New(t, migrations.FS, migrations.DevelopmentSeed)
	return db
}

// addCustomer gives a new customer a credit entry of credit, justified by one
// CREDIT history entry.
func addCustomer(t *testing.T, db *gorm.DB, credit string) kernel.CustomerID {
	t.Helper()
	id := kernel.NewID[kernel.CustomerID]()
	pgtest.Exec(t, db, `INSERT INTO credit_entry (id, customer_id, total_credit_amount) VALUES (gen_random_uuid(), ?, ?)`,
		id.UUID(), kerneltest.Money(credit).Decimal())
	pgtest.Exec(t, db, `INSERT INTO credit_history (id, customer_id, amount, type, created_at) VALUES (gen_random_uuid(), ?, ?, 'CREDIT', ?)`,
		id.UUID(), kerneltest.Money(credit).Decimal(), time.Now().Add(-time.Hour))
	return id
}

// creditOf reads a customer's total credit straight from the table.
func creditOf(t *testing.T, db *gorm.DB, customerID kernel.CustomerID) string {
	t.Helper()
	var total decimal.Decimal
	require.NoError(t, db.Raw(`SELECT total_credit_amount FROM credit_entry WHERE customer_id = ?`, customerID.UUID()).Scan(&total).Error)
	return total.StringFixed(2)
}

// historyBalanceOf reads credits minus debits of a customer's history.
func historyBalanceOf(t *testing.T, db *gorm.DB, customerID kernel.CustomerID) string {
	t.Helper()
	var total decimal.Decimal
	require.NoError(t, db.Raw(`SELECT COALESCE(SUM(CASE type WHEN 'CREDIT' THEN amount ELSE -amount END), 0)
		FROM credit_history WHERE customer_id = ?`, customerID.UUID()).Scan(&total).Error)
	return total.StringFixed(2)
}

func countRows(t *testing.T, db *gorm.DB, query string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, db.Raw(query, args...).Scan(&n).Error)
	return n
}
