package dataaccess

import (
	"context"

	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/domain"
)

// CustomerRepository reads the customers read model.
type CustomerRepository struct {
	db *gorm.DB
}

var _ application.CustomerRepository = (*CustomerRepository)(nil)

// NewCustomerRepository returns the repository over db.
func NewCustomerRepository(db *gorm.DB) *CustomerRepository { return &CustomerRepository{db: db} }

// FindCustomer implements application.CustomerRepository.
func (r *CustomerRepository) FindCustomer(ctx context.Context, id kernel.CustomerID) (*domain.Customer, error) {
	var row customerRow
	err := postgres.Conn(ctx, r.db).Where("id = ?", id.UUID()).Take(&row).Error
	if err != nil {
		return nil, postgres.WrapReadError(err, "find customer "+id.String())
	}
	return domain.UnmarshalCustomerFromDatabase(kernel.IDFromUUID[kernel.CustomerID](row.ID))
}
