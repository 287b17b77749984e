package dataaccess

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

// CreditHistoryRepository implements application.CreditHistoryRepository on
// the credit_history table.
type CreditHistoryRepository struct {
	db *gorm.DB
}

var _ application.CreditHistoryRepository = (*CreditHistoryRepository)(nil)

// NewCreditHistoryRepository returns the repository over db.
func NewCreditHistoryRepository(db *gorm.DB) *CreditHistoryRepository {
	return &CreditHistoryRepository{db: db}
}

// FindByCustomerID implements application.CreditHistoryRepository.
func (r *CreditHistoryRepository) FindByCustomerID(ctx context.Context, customerID kernel.CustomerID) ([]*domain.CreditHistory, error) {
	var rows []creditHistoryRow
	err := postgres.Conn(ctx, r.db).Where("customer_id = ?", customerID.UUID()).Order("created_at, id").Find(&rows).Error
	if err != nil {
		return nil, postgres.WrapError(err, fmt.Sprintf("find credit history of customer %s", customerID))
	}
	out := make([]*domain.CreditHistory, len(rows))
	for i, row := range rows {
		h, err := creditHistoryFromRow(row)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

// TotalsByCustomerID implements application.CreditHistoryRepository: the
// database adds up the entries, over the index on customer_id, and only the
// two sums cross the wire.
func (r *CreditHistoryRepository) TotalsByCustomerID(ctx context.Context, customerID kernel.CustomerID) (domain.CreditHistoryTotals, error) {
	var sums creditHistoryTotalsRow
	err := postgres.Conn(ctx, r.db).Raw(`SELECT
			COALESCE(SUM(amount) FILTER (WHERE type = ?), 0) AS credits,
			COALESCE(SUM(amount) FILTER (WHERE type = ?), 0) AS debits
		FROM credit_history WHERE customer_id = ?`,
		string(domain.TransactionTypeCredit), string(domain.TransactionTypeDebit), customerID.UUID()).Scan(&sums).Error
	if err != nil {
		return domain.CreditHistoryTotals{}, postgres.WrapError(err, fmt.Sprintf("add up credit history of customer %s", customerID))
	}
	return domain.UnmarshalCreditHistoryTotalsFromDatabase(customerID, kernel.NewMoney(sums.Credits), kernel.NewMoney(sums.Debits))
}

// Save implements application.CreditHistoryRepository.
func (r *CreditHistoryRepository) Save(ctx context.Context, entry *domain.CreditHistory) error {
	row := rowFromCreditHistory(entry)
	err := postgres.Conn(ctx, r.db).Create(&row).Error
	return postgres.WrapWriteError(err, fmt.Sprintf("save credit history %s of customer %s", entry.ID(), entry.CustomerID()))
}
