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

// PaymentRepository implements application.PaymentRepository on the
// payments table.
type PaymentRepository struct {
	db *gorm.DB
}

var _ application.PaymentRepository = (*PaymentRepository)(nil)

// NewPaymentRepository returns the repository over db.
func NewPaymentRepository(db *gorm.DB) *PaymentRepository { return &PaymentRepository{db: db} }

// Save implements application.PaymentRepository: a new payment is inserted,
// a stored one gets its new status. A second payment for the same order
// breaks the unique order index and is reported as kernel.ErrDuplicate.
func (r *PaymentRepository) Save(ctx context.Context, p *domain.Payment) error {
	row := rowFromPayment(p)
	err := postgres.Conn(ctx, r.db).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"status"}),
	}).Create(&row).Error
	return postgres.WrapWriteError(err, fmt.Sprintf("save payment %s of order %s", p.ID(), p.OrderID()))
}

// FindByOrderIDForUpdate implements application.PaymentRepository with
// SELECT ... FOR UPDATE.
func (r *PaymentRepository) FindByOrderIDForUpdate(ctx context.Context, orderID kernel.OrderID) (*domain.Payment, error) {
	var row paymentRow
	err := postgres.Conn(ctx, r.db).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
		Where("order_id = ?", orderID.UUID()).Take(&row).Error
	if err != nil {
		return nil, postgres.WrapReadError(err, fmt.Sprintf("find payment of order %s", orderID))
	}
	return paymentFromRow(row)
}
