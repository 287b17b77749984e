package dataaccess

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

// OrderApprovalRepository stores the restaurants' answers in order_approval.
type OrderApprovalRepository struct {
	db *gorm.DB
}

var _ application.OrderApprovalRepository = (*OrderApprovalRepository)(nil)

// NewOrderApprovalRepository returns the repository over db.
func NewOrderApprovalRepository(db *gorm.DB) *OrderApprovalRepository {
	return &OrderApprovalRepository{db: db}
}

// Save implements application.OrderApprovalRepository. The unique index on
// order_id turns a second approval of the order into kernel.ErrDuplicate.
func (r *OrderApprovalRepository) Save(ctx context.Context, approval *domain.OrderApproval) error {
	row := rowFromOrderApproval(approval)
	return postgres.WrapWriteError(postgres.Conn(ctx, r.db).Create(&row).Error, fmt.Sprintf("save approval of order %s", approval.OrderID()))
}

// FindByOrderID implements application.OrderApprovalRepository: no approval
// of the order is kernel.ErrNotFound.
func (r *OrderApprovalRepository) FindByOrderID(ctx context.Context, orderID kernel.OrderID) (*domain.OrderApproval, error) {
	var row orderApprovalRow
	if err := postgres.Conn(ctx, r.db).Where("order_id = ?", orderID.UUID()).Take(&row).Error; err != nil {
		return nil, postgres.WrapReadError(err, fmt.Sprintf("find approval of order %s", orderID))
	}
	return orderApprovalFromRow(row)
}

// FindByOrderIDForUpdate implements application.OrderApprovalRepository.
func (r *OrderApprovalRepository) FindByOrderIDForUpdate(ctx context.Context, orderID kernel.OrderID) (*domain.OrderApproval, error) {
	var row orderApprovalRow
	err := postgres.Conn(ctx, r.db).Clauses(clause.Locking{Strength: "UPDATE"}).Where("order_id = ?", orderID.UUID()).Take(&row).Error
	if err != nil {
		return nil, postgres.WrapReadError(err, fmt.Sprintf("lock approval of order %s", orderID))
	}
	return orderApprovalFromRow(row)
}

// Update implements application.OrderApprovalRepository.
func (r *OrderApprovalRepository) Update(ctx context.Context, approval *domain.OrderApproval) error {
	row := rowFromOrderApproval(approval)
	res := postgres.Conn(ctx, r.db).Exec(`UPDATE order_approval SET status = ?, failure_messages = ? WHERE id = ?`,
		row.Status, row.FailureMessages, row.ID)
	if res.Error != nil {
		return postgres.WrapError(res.Error, fmt.Sprintf("update approval of order %s", approval.OrderID()))
	}
	if res.RowsAffected == 0 {
		return kernel.NotFound("update approval %s of order %s", approval.ID(), approval.OrderID())
	}
	return nil
}
