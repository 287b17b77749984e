package dataaccess

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/payment-service/internal/application"
	"github.com/food-ordering-system/payment-service/internal/domain"
)

// CreditEntryRepository implements application.CreditEntryRepository on the
// credit_entry table.
type CreditEntryRepository struct {
	db *gorm.DB
}

var _ application.CreditEntryRepository = (*CreditEntryRepository)(nil)

// NewCreditEntryRepository returns the repository over db.
func NewCreditEntryRepository(db *gorm.DB) *CreditEntryRepository {
	return &CreditEntryRepository{db: db}
}

// FindByCustomerIDForUpdate implements application.CreditEntryRepository
// with SELECT ... FOR UPDATE: the row stays locked until the transaction
// ends, which serialises a customer's payments.
func (r *CreditEntryRepository) FindByCustomerIDForUpdate(ctx context.Context, customerID kernel.CustomerID) (*domain.CreditEntry, error) {
	return r.find(postgres.Conn(ctx, r.db).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}), customerID)
}

// FindByCustomerID implements application.CreditEntryRepository.
func (r *CreditEntryRepository) FindByCustomerID(ctx context.Context, customerID kernel.CustomerID) (*domain.CreditEntry, error) {
	return r.find(postgres.Conn(ctx, r.db), customerID)
}

func (r *CreditEntryRepository) find(db *gorm.DB, customerID kernel.CustomerID) (*domain.CreditEntry, error) {
	var row creditEntryRow
	if err := db.Where("customer_id = ?", customerID.UUID()).Take(&row).Error; err != nil {
		return nil, postgres.WrapReadError(err, fmt.Sprintf("find credit entry of customer %s", customerID))
	}
	return creditEntryFromRow(row)
}

// Save implements application.CreditEntryRepository: it stores the new total
// and bumps the row's version.
func (r *CreditEntryRepository) Save(ctx context.Context, credit *domain.CreditEntry) error {
	what := fmt.Sprintf("save credit entry of customer %s", credit.CustomerID())
	res := postgres.Conn(ctx, r.db).Model(&creditEntryRow{}).Where("id = ?", credit.ID().UUID()).Updates(map[string]any{
		"total_credit_amount": credit.TotalCreditAmount().Decimal(),
		"version":             gorm.Expr("version + 1"),
	})
	if res.Error != nil {
		return postgres.WrapError(res.Error, what)
	}
	if res.RowsAffected == 0 {
		return kernel.NotFound("%s", what)
	}
	return nil
}
