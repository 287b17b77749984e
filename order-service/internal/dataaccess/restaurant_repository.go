package dataaccess

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/order-service/internal/application"
	"github.com/food-ordering-system/order-service/internal/domain"
)

// RestaurantRepository reads the restaurants read model with its catalog.
type RestaurantRepository struct {
	db *gorm.DB
}

var _ application.RestaurantRepository = (*RestaurantRepository)(nil)

// NewRestaurantRepository returns the repository over db.
func NewRestaurantRepository(db *gorm.DB) *RestaurantRepository { return &RestaurantRepository{db: db} }

// FindRestaurantInformation implements application.RestaurantRepository.
func (r *RestaurantRepository) FindRestaurantInformation(ctx context.Context, id kernel.RestaurantID) (*domain.Restaurant, error) {
	var rows []restaurantProductRow
	err := postgres.Conn(ctx, r.db).Raw(`
		SELECT r.id AS restaurant_id, r.active, p.id AS product_id, p.name AS product_name, p.price AS product_price
		FROM restaurants r
		LEFT JOIN restaurant_products rp ON rp.restaurant_id = r.id
		LEFT JOIN products p ON p.id = rp.product_id
		WHERE r.id = ?
		ORDER BY p.name`, id.UUID()).Scan(&rows).Error
	if err != nil {
		return nil, postgres.WrapError(err, "find restaurant "+id.String())
	}
	if len(rows) == 0 {
		return nil, kernel.NotFound("restaurant %s", id)
	}
	var products []domain.Product
	for _, row := range rows {
		if row.ProductID == nil || row.ProductName == nil || !row.ProductPrice.Valid {
			continue // a restaurant without products yields one row of NULLs
		}
		p, err := domain.UnmarshalProductFromDatabase(kernel.IDFromUUID[kernel.ProductID](*row.ProductID), *row.ProductName, kernel.NewMoney(row.ProductPrice.Decimal))
		if err != nil {
			return nil, fmt.Errorf("restaurant %s: %w", id, err)
		}
		products = append(products, p)
	}
	return domain.UnmarshalRestaurantFromDatabase(id, rows[0].Active, products)
}
